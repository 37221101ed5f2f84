// checkDefinition: property checks of one workflow definition over random command sequences (starts, valid and
// invalid signals, task results, timer firings, cancels, repeats of earlier commands), then a check of its graph.
// A failure throws DefinitionCheckError with the shortest command sequence fast-check found.
import fc from 'fast-check';
import { NonRetriableError, type Command, type WorkflowDefinition } from '../../core';
import { createTestEnvironment } from '../test-environment';
import { DefinitionCheckError, GeneratorError } from '../testing-error';
import { generatorsFor, moveArb, validInputs, type Move } from './moves';
import { arbitraryOf } from './payload-arbitrary';
import { Player, Violation, type Coverage } from './player';
import { describePath, stateGraph } from './reachability';

export interface CheckOptions {
  /** Random command sequences to try; 100 by default. */
  readonly runs?: number;
  /** fast-check's seed; a failure reports the seed and path that replay it. */
  readonly seed?: number;
  readonly path?: string;
  /** Valid payloads per event; derived from the event's schema where not given. */
  readonly events?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  /** Valid start inputs; derived from the input schema where not given. */
  readonly input?: fc.Arbitrary<unknown>;
  /** Task outputs per task type; `{}` where not given. */
  readonly outputs?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  /** The longest command sequence of a run, 30 by default. */
  readonly maxCommands?: number;
}

export interface CheckReport {
  readonly runs: number;
  readonly seed: number;
  /** States some run entered. */
  readonly reached: readonly string[];
  /** States of the definition no run entered. */
  readonly unreached: readonly string[];
  /** Commands decided over all runs, timer firings included. */
  readonly commands: number;
  /** Repeats of commands the instance remembered, each checked to change nothing. */
  readonly duplicates: number;
}

export function checkDefinition(definition: WorkflowDefinition, options: CheckOptions = {}): CheckReport {
  const graph = stateGraph(definition);
  const generators = generatorsFor(definition, options, options.input ?? startInputs(definition));
  const coverage: Coverage = { reached: new Set<string>(), commands: 0, duplicates: 0 };
  const property = fc.property(
    generators.input,
    fc.array(moveArb(definition, generators), { maxLength: options.maxCommands ?? 30, size: 'max' }),
    (input, moves) => {
      const env = createTestEnvironment({ workflows: [definition] });
      const player = new Player(env, definition, graph, coverage);
      try {
        [{ k: 'start', instance: 0, input } as Move, ...moves].forEach((move) => player.play(move));
      } catch (error) {
        throw new Trail(error, env.sent());
      } finally {
        coverage.commands += env.sent().length;
      }
    },
  );
  const details = fc.check(property, {
    numRuns: options.runs ?? 100,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  if (details.failed) throw failure(definition, details);
  checkGraph(definition, graph);
  const states = [...definition.states.keys()];
  return {
    runs: details.numRuns,
    seed: details.seed,
    reached: states.filter((s) => coverage.reached.has(s)),
    unreached: states.filter((s) => !coverage.reached.has(s)),
    commands: coverage.commands,
    duplicates: coverage.duplicates,
  };
}

/** A failure inside a run, with the commands the run had sent; never leaves checkDefinition. */
class Trail extends NonRetriableError {
  readonly code = 'check-trail';

  constructor(
    readonly error: unknown,
    readonly commands: readonly Command[],
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

function failure(
  definition: WorkflowDefinition,
  details: fc.RunDetails<[unknown, Move[]]>,
): DefinitionCheckError {
  const trail = details.errorInstance instanceof Trail ? details.errorInstance : undefined;
  const cause = trail?.error;
  const what =
    cause instanceof Violation
      ? cause.message
      : `the run threw ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(details.errorInstance)}`;
  const commands = (trail?.commands ?? []).map(describeCommand);
  const replay = { seed: details.seed, path: details.counterexamplePath };
  const lines = commands.map((c, i) => `  ${i + 1}. ${JSON.stringify(c)}`).join('\n');
  return new DefinitionCheckError(
    `${definition.name}@${definition.version}: ${what}\n` +
      `counterexample, the commands in order (after ${details.numRuns} runs, ${details.numShrinks} shrinks):\n${lines}\n` +
      `replay it with checkDefinition(definition, { seed: ${replay.seed}, path: ${JSON.stringify(replay.path)} })`,
    commands,
    replay,
  );
}

/** A command as a reader of the counterexample wants it: what it asked, not its envelope. */
function describeCommand(command: Command): Record<string, unknown> {
  const base = { type: command.type, correlationId: command.correlationId, at: command.timestamp };
  switch (command.type) {
    case 'start':
      return { ...base, input: command.input };
    case 'signal':
      return { ...base, event: command.event, payload: command.payload, commandId: command.commandId };
    case 'task-result':
      return { ...base, runId: command.runId, outcome: command.outcome };
    case 'timer-fired':
      return { ...base, timerId: command.timerId };
    default:
      return { ...base, commandId: command.commandId };
  }
}

/** States the graph reaches that cannot reach a final state, found even when no random run entered them. */
function checkGraph(definition: WorkflowDefinition, graph: ReturnType<typeof stateGraph>): void {
  for (const state of graph.reachable) {
    if (graph.finishing.has(state)) continue;
    const path = graph.pathTo(state) ?? [];
    throw new DefinitionCheckError(
      `${definition.name}@${definition.version}: state ${state} can be reached (${describePath(path)}) ` +
        'and no final state can be reached from it',
      path,
      { seed: 0, path: null },
    );
  }
}

function startInputs(definition: WorkflowDefinition): fc.Arbitrary<unknown> {
  const inputs = validInputs(definition, arbitraryOf(definition.input));
  if (inputs === undefined) {
    throw new GeneratorError(
      `${definition.name}: could not derive valid start inputs from its input schema; pass checkDefinition(definition, { input })`,
    );
  }
  return inputs;
}
