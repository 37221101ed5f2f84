// Plays moves against a test environment and checks, after every move, what must hold whatever the commands:
// a duplicate changes nothing, the log replays to the live instance, seq is contiguous, definition code never
// fails, and every state reached can still reach a final state.
import {
  canonicalJson,
  evolve,
  NonRetriableError,
  parseCommand,
  signatureOf,
  type Command,
  type Instance,
  type JsonValue,
  type LogRecord,
  type Step,
  type WorkflowDefinition,
} from '../../core';
import { recall } from '../../core/instance/dedupe-window';
import { TESTING_ACTOR } from '../environment-options';
import type { TestEnvironment } from '../test-environment';
import { INSTANCES, type Move } from './moves';
import { describePath, type StateGraph } from './reachability';

/** What the runs covered, summed over every run: states entered, commands decided, duplicates checked. */
export interface Coverage {
  readonly reached: Set<string>;
  commands: number;
  duplicates: number;
}

/** A property that failed; `checkDefinition` turns it into a DefinitionCheckError with the commands sent. */
export class Violation extends NonRetriableError {
  readonly code = 'property-violated';
}

export class Player {
  /** Per instance: how many records were checked, and the instance they were checked against. */
  private readonly checked = new Map<string, { readonly records: number; readonly instance: unknown }>();

  constructor(
    private readonly env: TestEnvironment,
    private readonly definition: WorkflowDefinition,
    private readonly graph: StateGraph,
    private readonly coverage: Coverage,
  ) {}

  play(move: Move): void {
    this.apply(move);
    for (const id of this.env.correlationIds()) this.checkInstance(id);
  }

  private apply(move: Move): void {
    const env = this.env;
    switch (move.k) {
      case 'start':
        return this.sendRaw({ ...this.envelope(move.instance), type: 'start', input: move.input });
      case 'signal':
        return this.sendRaw({
          ...this.envelope(move.instance),
          type: 'signal',
          event: move.event,
          payload: move.payload,
        });
      case 'cancel':
        return this.sendRaw({ ...this.envelope(move.instance), type: 'cancel', reason: 'checked' });
      case 'complete':
      case 'fail':
        return this.answer(move);
      case 'advance':
        env.advance(move.ms);
        return;
      case 'fire-next': {
        const next = env.timers()[0];
        if (next !== undefined) env.advanceTo(Math.max(env.now(), next.dueAt));
        return;
      }
      case 'duplicate':
        return this.duplicate(move.pick);
    }
  }

  private envelope(instance: number) {
    return {
      commandId: this.env.nextCommandId(),
      correlationId: `check-${instance % INSTANCES}`,
      workflow: this.definition.name,
      actor: TESTING_ACTOR,
      timestamp: this.env.now(),
    };
  }

  /** Parsed as the orchestrator's decoder would; what it refuses never reaches an instance. */
  private sendRaw(raw: Record<string, unknown>): void {
    const parsed = parseCommand(raw);
    if (parsed.ok) this.send(parsed.command);
  }

  private send(command: Command): Step {
    const step = this.env.send(command);
    const decision = step.decision;
    if (decision.kind === 'rejected' && decision.reason.code === 'definition-error') {
      throw new Violation(`definition code failed on ${command.type}: ${decision.reason.message}`);
    }
    return step;
  }

  /** Answers a pending attempt, or, with none pending, repeats an old run's result (a late or stale answer). */
  private answer(move: Move & { k: 'complete' | 'fail' }): void {
    const pending = this.env.tasks();
    const emitted = this.env.emitted();
    const task =
      pending.length > 0
        ? pending[move.pick % pending.length]
        : emitted.length > 0
          ? { ...emitted[move.pick % emitted.length]!, id: emitted[move.pick % emitted.length]!.taskId }
          : undefined;
    if (task === undefined) return;
    const outcome =
      move.k === 'complete'
        ? { kind: 'succeeded', output: (move.outputs[task.type] ?? {}) as JsonValue }
        : { kind: move.fatal ? 'fatal' : 'retryable', error: { message: `checked ${move.k}`, code: null } };
    this.sendRaw({
      commandId: task.runId,
      correlationId: task.correlationId,
      workflow: task.workflow,
      actor: TESTING_ACTOR,
      timestamp: this.env.now(),
      type: 'task-result',
      taskId: task.id,
      runId: task.runId,
      outcome,
    });
  }

  /** A command the instance still remembers, sent again, must be a duplicate that changes nothing. */
  private duplicate(pick: number): void {
    const sent = this.env.sent();
    const command = sent[pick % Math.max(1, sent.length)];
    if (command === undefined) return;
    const before = this.env.find(command.correlationId);
    const entry = before === undefined ? undefined : recall(before as Instance, command, this.env.now());
    const step = this.send(command);
    if (entry === undefined || entry.signature !== signatureOf(command)) return;
    this.coverage.duplicates += 1;
    const unchanged =
      step.decision.kind === 'duplicate' &&
      step.records.length === 0 &&
      step.tasks.length === 0 &&
      same(step.instance, before);
    if (!unchanged) {
      throw new Violation(
        `a duplicate of ${command.commandId} (${command.type}) changed the instance: decided ${step.decision.kind}, ` +
          `${step.records.length} records, ${step.tasks.length} tasks`,
      );
    }
  }

  /** An instance whose log and state are as they were when last checked is not checked again. */
  private checkInstance(id: string): void {
    const log = this.env.log(id);
    const live = this.env.find(id);
    const last = this.checked.get(id);
    if (last !== undefined && last.records === log.length && last.instance === live) return;
    const replayed = (JSON.parse(JSON.stringify(log)) as LogRecord[]).reduce<Instance | undefined>(
      (instance, record) => evolve(instance, record),
      undefined,
    );
    if (!same(replayed, live)) {
      throw new Violation(`replaying the log of ${id} does not reproduce the live instance`);
    }
    const seqs = log.flatMap((r) => (r.kind === 'transition' ? [r.seq] : []));
    if (seqs.some((seq, i) => seq !== i + 1) || (live !== undefined && live.seq !== seqs.length)) {
      throw new Violation(`seq of ${id} is not contiguous: ${seqs.join(', ')} (instance at ${live?.seq})`);
    }
    for (const record of log.slice(last?.records ?? 0)) this.checkRecord(id, record);
    this.checked.set(id, { records: log.length, instance: live });
  }

  private checkRecord(id: string, record: LogRecord): void {
    if (record.kind === 'rejection' && record.reason.code === 'definition-error') {
      throw new Violation(`definition code failed for ${id}: ${record.reason.message}`);
    }
    if (record.kind !== 'transition') return;
    for (const state of [...record.via, record.to]) {
      this.coverage.reached.add(state);
      if (!this.graph.finishing.has(state)) {
        const path = this.graph.pathTo(state);
        throw new Violation(
          `${id} reached state ${state}, from which no final state can be reached` +
            (path ? ` (the graph reaches it by ${describePath(path)})` : ''),
        );
      }
    }
  }
}

/** Equal as JSON; the key-order-blind comparison only when the quick one differs. */
function same(a: Instance | undefined, b: Instance | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    JSON.stringify(a) === JSON.stringify(b) ||
    canonicalJson(a as unknown as JsonValue) === canonicalJson(b as unknown as JsonValue)
  );
}
