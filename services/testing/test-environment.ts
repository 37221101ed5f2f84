// An in-memory, time-skipping stand-in for the orchestrator and its workers. Commands are parsed as the
// orchestrator's decoder parses them and decided by the core's one door; records are kept per instance and folded
// by the core; due timers fire in order on a virtual clock; tasks are answered by the test or by the team's real
// handlers. No Kafka, no Redis, no schema registry.
import {
  decide,
  dueTimers,
  EMPTY_ENVIRONMENT,
  isDeadLetter,
  parseCommand,
  type Command,
  type Environment,
  type Instance,
  type JsonValue,
  type LogRecord,
  type Registry,
  type Step,
  type TaskOutcome,
  type TaskRequest,
  type Transition,
} from '../core';
import type { HandlerMap } from '../worker/task/task-handler';
import { runTasks, type TaskRun } from './task-loop';
import { testRegistry, type TestSettings, type Workflows } from './test-registry';
import { ClockError, RefusedCommandError, TaskLookupError, UnknownInstanceError } from './testing-error';
import type { UnknownErrorPolicy } from './handler-run';
import {
  taskView,
  type CommandResult,
  type InstanceView,
  type TaskView,
  type TimerFired,
  type TimerView,
} from './views';

export interface TestEnvironmentOptions {
  /** The definitions, as the orchestrator takes them: an array built with `setup(...).define(...)`, or a registry. */
  readonly workflows: Workflows;
  /** Task type → handler, as the worker SDK takes them; `runTasks` runs pending tasks through them. */
  readonly handlers?: HandlerMap;
  /** Epoch ms the virtual clock starts at. */
  readonly now?: number;
  /** Per workflow: a rollout rule or dedupe window, as a `workflow-settings` command would set them. */
  readonly settings?: Readonly<Record<string, TestSettings>>;
  /** What guards see as task health and in-flight counts; `setEnvironment` changes it later. */
  readonly environment?: Environment;
  /** How a handler's error that is not a task error counts (the worker's default: retryable). */
  readonly unknownErrors?: UnknownErrorPolicy;
}

/** Fields a test may fix on a command it sends: its id (send it twice to see a duplicate) and the seq checks. */
export interface CommandOptions {
  readonly commandId?: string;
  readonly expectedSeq?: number;
  readonly sourceSeq?: number;
}

export interface StartOptions extends CommandOptions {
  readonly version?: number;
}

export interface TaskFailure {
  readonly message: string;
  /** A fatal failure is never retried; otherwise the definition's retry policy decides. */
  readonly fatal?: boolean;
  readonly code?: string;
}

/** 2030-01-01T00:00:00Z: a fixed start, so ids and due times are the same on every run. */
export const DEFAULT_START = Date.UTC(2030, 0, 1);
export const TESTING_ACTOR = 'statewright:testing';
/** Timers fired by one `advanceTo` before the environment calls it a loop (a state timing out into itself at 0 ms). */
const MAX_TIMERS_PER_ADVANCE = 100_000;

interface Entry {
  instance: Instance | undefined;
  readonly log: LogRecord[];
}

export class TestEnvironment {
  private readonly registry: Registry;
  private readonly entries = new Map<string, Entry>();
  private readonly requested: TaskRequest[] = [];
  private readonly commands: Command[] = [];
  private readonly handedOff = new Set<string>();
  private clock: number;
  private environment: Environment;
  private counter = 0;

  constructor(private readonly options: TestEnvironmentOptions) {
    this.registry = testRegistry(options.workflows, options.settings);
    this.clock = options.now ?? DEFAULT_START;
    this.environment = options.environment ?? EMPTY_ENVIRONMENT;
  }

  now(): number {
    return this.clock;
  }

  start<C = JsonValue>(
    workflow: string,
    correlationId: string,
    input: unknown,
    options: StartOptions = {},
  ): InstanceView<C> {
    if (!this.registry.has(workflow)) {
      const known = this.registry.names().join(', ') || 'none';
      const why = { code: 'unknown-workflow' as const, message: `no workflow ${workflow} (known: ${known})` };
      throw new RefusedCommandError(why, `start of ${correlationId}`);
    }
    const what = `start of ${workflow} ${correlationId}`;
    const step = this.submit(what, {
      ...this.envelope(correlationId, workflow, options),
      type: 'start',
      input,
      version: options.version ?? null,
    });
    if (step.decision.kind === 'rejected') throw new RefusedCommandError(step.decision.reason, what);
    return this.instance<C>(correlationId);
  }

  signal<C = JsonValue>(
    correlationId: string,
    event: string,
    payload: unknown = null,
    options: CommandOptions = {},
  ): CommandResult<C> {
    const instance = this.instance(correlationId);
    return this.result<C>(`signal ${event} to ${correlationId}`, {
      ...this.envelope(correlationId, instance.workflow, options),
      type: 'signal',
      event,
      payload,
    });
  }

  cancel<C = JsonValue>(correlationId: string, reason = 'cancelled by test', options: CommandOptions = {}) {
    const instance = this.instance(correlationId);
    return this.result<C>(`cancel of ${correlationId}`, {
      ...this.envelope(correlationId, instance.workflow, options),
      type: 'cancel',
      reason,
    });
  }

  /** Pending task attempts, oldest instance first: requested and not answered, not waiting out a backoff. */
  tasks(correlationId?: string): TaskView[] {
    return this.instances(correlationId).flatMap((instance) =>
      instance.openTasks.filter((task) => !task.waiting).map((task) => taskView(instance, task)),
    );
  }

  /** Every task attempt the core requested, in order, retries and compensations included. */
  emitted(correlationId?: string): readonly TaskRequest[] {
    return correlationId === undefined
      ? this.requested.slice()
      : this.requested.filter((task) => task.correlationId === correlationId);
  }

  /** Answers a pending task (by task id, run id, or by type when exactly one pending task has it) as a worker would. */
  completeTask<C = JsonValue>(taskIdOrType: string, output: unknown = null): CommandResult<C> {
    return this.answer<C>(this.pending(taskIdOrType), { kind: 'succeeded', output: output as JsonValue });
  }

  failTask<C = JsonValue>(taskIdOrType: string, failure: TaskFailure): CommandResult<C> {
    const error = { message: failure.message, code: failure.code ?? null };
    return this.answer<C>(this.pending(taskIdOrType), { kind: failure.fatal ? 'fatal' : 'retryable', error });
  }

  /**
   * Runs pending tasks through the handlers until none of a handled type is pending; while a task waits out a
   * retry backoff the clock skips to it. Tasks of types without a handler stay pending for the test to answer.
   */
  runTasks(correlationId?: string): Promise<TaskRun[]> {
    return runTasks(this, this.options.handlers, {
      correlationId,
      unknownErrors: this.options.unknownErrors ?? 'retryable',
      handedOff: this.handedOff,
      answer: (task, outcome) => this.answer(task, outcome),
    });
  }

  advance(ms: number): TimerFired[] {
    if (!(ms >= 0)) throw new ClockError(`advance takes a non-negative number of ms, not ${ms}`);
    return this.advanceTo(this.clock + ms);
  }

  /** Moves the clock to `epochMs`, firing every timer due by then in due order, each at its due time. */
  advanceTo(epochMs: number): TimerFired[] {
    if (!(epochMs >= this.clock)) {
      throw new ClockError(`the clock is at ${this.clock} and never goes back (asked for ${epochMs})`);
    }
    const fired: TimerFired[] = [];
    for (let next = this.earliestDue(epochMs); next !== undefined; next = this.earliestDue(epochMs)) {
      if (fired.length >= MAX_TIMERS_PER_ADVANCE) {
        throw new ClockError(
          `more than ${MAX_TIMERS_PER_ADVANCE} timers fired before ${epochMs}: a timer loop?`,
        );
      }
      const timer = next.instance.timers.find((t) => t.timerId === next.command.timerId);
      this.clock = Math.max(this.clock, next.command.timestamp);
      const step = this.send(next.command);
      fired.push({
        correlationId: next.instance.correlationId,
        timerId: next.command.timerId,
        kind: timer?.kind ?? 'timeout',
        dueAt: next.command.timestamp,
        decision: step.decision.kind,
      });
    }
    this.clock = epochMs;
    return fired;
  }

  /** Pending timers, earliest first. */
  timers(correlationId?: string): TimerView[] {
    return this.instances(correlationId)
      .flatMap((instance) => instance.timers.map((t) => ({ ...t, correlationId: instance.correlationId })))
      .sort((a, b) => a.dueAt - b.dueAt);
  }

  instance<C = JsonValue>(correlationId: string): InstanceView<C> {
    const instance = this.find<C>(correlationId);
    if (instance === undefined) throw new UnknownInstanceError(correlationId, this.correlationIds());
    return instance;
  }

  /** The instance, or undefined when none with this id was started. */
  find<C = JsonValue>(correlationId: string): InstanceView<C> | undefined {
    return this.entries.get(correlationId)?.instance as InstanceView<C> | undefined;
  }

  /** The instance's transitions, seq 1 first. */
  history(correlationId: string): Transition[] {
    return this.log(correlationId).filter((record): record is Transition => record.kind === 'transition');
  }

  /** Every record of the instance's log: transitions, and the receipts of rejected, deferred, stashed, ignored commands. */
  log(correlationId: string): LogRecord[] {
    const entry = this.entries.get(correlationId);
    if (entry === undefined) throw new UnknownInstanceError(correlationId, this.correlationIds());
    return entry.log.slice();
  }

  /** Every command decided so far, in order, as the core received it. */
  sent(): readonly Command[] {
    return this.commands.slice();
  }

  setEnvironment(environment: Environment): void {
    this.environment = environment;
  }

  /**
   * Decides any typed command at the current time, exactly as the orchestrator would, and keeps what it records.
   * Never throws: a refused command is a rejected decision. The door for commands the helpers do not build.
   */
  send(command: Command): Step {
    const id = command.correlationId as string;
    const entry = this.entries.get(id);
    const step = decide(this.registry, entry?.instance, command, this.clock, this.environment);
    this.commands.push(command);
    if (step.records.length > 0) {
      if (entry === undefined) this.entries.set(id, { instance: step.instance, log: [...step.records] });
      else {
        entry.instance = step.instance;
        entry.log.push(...step.records);
      }
    }
    this.requested.push(...step.tasks);
    return step;
  }

  /** A deterministic command id: the same test sends the same ids on every run. */
  nextCommandId(): string {
    this.counter += 1;
    return `test-${this.counter}`;
  }

  private envelope(correlationId: string, workflow: string, options: CommandOptions) {
    return {
      commandId: options.commandId ?? this.nextCommandId(),
      correlationId,
      workflow,
      actor: TESTING_ACTOR,
      timestamp: this.clock,
      expectedSeq: options.expectedSeq ?? null,
      sourceSeq: options.sourceSeq ?? null,
    };
  }

  /** Parses the command as the orchestrator's decoder does; what production would dead-letter throws. */
  private submit(what: string, raw: Record<string, unknown>): Step {
    const parsed = parseCommand(raw);
    if (!parsed.ok) throw new RefusedCommandError({ code: 'invalid-command', message: parsed.message }, what);
    const step = this.send(parsed.command);
    const decision = step.decision;
    if (decision.kind === 'rejected' && isDeadLetter(decision.reason.code)) {
      throw new RefusedCommandError(decision.reason, what);
    }
    return step;
  }

  private result<C>(what: string, raw: Record<string, unknown>): CommandResult<C> {
    const step = this.submit(what, raw);
    return { decision: step.decision, instance: this.instance<C>(raw.correlationId as string) };
  }

  private answer<C = JsonValue>(task: TaskView, outcome: TaskOutcome): CommandResult<C> {
    return this.result<C>(`result of ${task.runId}`, {
      commandId: task.runId,
      correlationId: task.correlationId,
      workflow: task.workflow,
      actor: TESTING_ACTOR,
      timestamp: this.clock,
      type: 'task-result',
      taskId: task.id,
      runId: task.runId,
      outcome,
    });
  }

  private pending(taskIdOrType: string): TaskView {
    const pending = this.tasks();
    const byId = pending.find((t) => t.id === taskIdOrType || t.runId === taskIdOrType);
    if (byId !== undefined) return byId;
    const byType = pending.filter((t) => t.type === taskIdOrType);
    if (byType.length === 1) return byType[0] as TaskView;
    const listed = pending.map((t) => `${t.id} (${t.type})`).join(', ') || 'none';
    if (byType.length === 0) {
      throw new TaskLookupError(`no pending task has id or type ${taskIdOrType}; pending: ${listed}`);
    }
    throw new TaskLookupError(
      `${byType.length} pending tasks have type ${taskIdOrType}: name one by id (${byType.map((t) => t.id).join(', ')})`,
    );
  }

  private instances(correlationId?: string): Instance[] {
    if (correlationId !== undefined) return [this.instance(correlationId) as Instance];
    return [...this.entries.values()].flatMap((entry) => (entry.instance ? [entry.instance] : []));
  }

  /** Ids of the instances whose logs hold records, in the order they were started. */
  correlationIds(): string[] {
    return [...this.entries.keys()];
  }

  /** The timer due first by `until` over all instances (by due time, then timer id, then instance age). */
  private earliestDue(until: number) {
    let best: { instance: Instance; command: ReturnType<typeof dueTimers>[number] } | undefined;
    for (const instance of this.instances()) {
      const command = dueTimers(instance, until)[0];
      if (command !== undefined && (best === undefined || command.timestamp < best.command.timestamp)) {
        best = { instance, command };
      }
    }
    return best;
  }
}

export function createTestEnvironment(options: TestEnvironmentOptions): TestEnvironment {
  return new TestEnvironment(options);
}
