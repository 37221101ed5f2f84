// Random command sequences for a definition: abstract moves, turned into concrete commands against the live
// environment (which task to answer, which timer is next, which earlier command to repeat) when they are played.
import fc from 'fast-check';
import { parseCommand, type JsonValue, type WorkflowDefinition } from '../../core';
import { arbitraryOf, wrongPayload } from './payload-arbitrary';

export type Move =
  | { readonly k: 'start'; readonly instance: number; readonly input: unknown }
  | { readonly k: 'signal'; readonly instance: number; readonly event: string; readonly payload: unknown }
  | { readonly k: 'complete'; readonly pick: number; readonly outputs: Readonly<Record<string, unknown>> }
  | { readonly k: 'fail'; readonly pick: number; readonly fatal: boolean }
  | { readonly k: 'advance'; readonly ms: number }
  | { readonly k: 'fire-next' }
  | { readonly k: 'cancel'; readonly instance: number }
  | { readonly k: 'duplicate'; readonly pick: number };

export interface Generators {
  readonly input: fc.Arbitrary<unknown>;
  /** Valid payloads per declared event. */
  readonly events: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  /** Outputs per task type. */
  readonly outputs: Readonly<Record<string, fc.Arbitrary<unknown>>>;
}

/** How many instances a run drives side by side, so a command for one is seen not to touch another. */
export const INSTANCES = 2;
/** An event no definition declares: what a confused producer sends. */
export const UNDECLARED_EVENT = 'statewright-undeclared-event';

export function generatorsFor(
  definition: WorkflowDefinition,
  given: {
    readonly input?: fc.Arbitrary<unknown>;
    readonly events?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
    readonly outputs?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  },
  validInput: fc.Arbitrary<unknown>,
): Generators {
  const events = Object.fromEntries(
    [...definition.events].map(([name, schema]) => [name, given.events?.[name] ?? arbitraryOf(schema)]),
  );
  const outputs = Object.fromEntries(
    [...definition.tasks.keys()].map((type) => [type, given.outputs?.[type] ?? fc.constant({})]),
  );
  return { input: given.input ?? validInput, events, outputs };
}

export function moveArb(definition: WorkflowDefinition, generators: Generators): fc.Arbitrary<Move> {
  const instance = fc.nat(INSTANCES - 1);
  const pick = fc.nat(7);
  const horizon = horizonOf(definition);
  const signal = signalArb(generators, instance);
  const outputs = fc.record(generators.outputs);
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('start' as const), instance, input: generators.input }),
    },
    { weight: 5, arbitrary: signal },
    { weight: 5, arbitrary: fc.record({ k: fc.constant('complete' as const), pick, outputs }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('fail' as const), pick, fatal: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('advance' as const),
        ms: fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: horizon })),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ k: 'fire-next' as const }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), instance }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('duplicate' as const), pick: fc.nat(1_000) }) },
  );
}

function signalArb(generators: Generators, instance: fc.Arbitrary<number>): fc.Arbitrary<Move> {
  const declared = Object.entries(generators.events).map(([event, valid]) =>
    fc.record({
      k: fc.constant('signal' as const),
      instance,
      event: fc.constant(event),
      payload: fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: wrongPayload }),
    }),
  );
  const undeclared = fc.record({
    k: fc.constant('signal' as const),
    instance,
    event: fc.constant(UNDECLARED_EVENT),
    payload: fc.constant({}),
  });
  return declared.length === 0
    ? undeclared
    : fc.oneof({ weight: 1, arbitrary: undeclared }, ...declared.map((a) => ({ weight: 4, arbitrary: a })));
}

/** The longest wait the definition knows (a state's timeout, a retry backoff), so time moves past every timer. */
function horizonOf(definition: WorkflowDefinition): number {
  const afters = [...definition.states.values()].map((s) => s.after?.ms ?? 0);
  const backoffs = [...definition.tasks.values()].map((t) =>
    t.retry.backoff.kind === 'fixed' ? t.retry.backoff.ms : t.retry.backoff.maxMs,
  );
  return Math.max(1_000, ...afters, ...backoffs) + 1;
}

/** The valid inputs among a generator's values, or undefined when it seldom produces one. */
export function validInputs(
  definition: WorkflowDefinition,
  derived: fc.Arbitrary<JsonValue>,
): fc.Arbitrary<unknown> | undefined {
  const valid = (value: unknown) => definition.input.safeParse(value).success && parseCommandable(value);
  const sample = fc.sample(derived, { numRuns: 100, seed: 1 });
  if (sample.filter(valid).length < 10) return undefined;
  return derived.filter(valid);
}

/** A start input must survive the command decoder too (JSON, not nested too deep). */
function parseCommandable(input: unknown): boolean {
  const probe = {
    commandId: 'c',
    correlationId: 'i',
    workflow: 'w',
    actor: 'a',
    timestamp: 0,
    type: 'start',
    input,
  };
  return parseCommand(probe).ok;
}
