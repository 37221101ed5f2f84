// An in-memory, time-skipping stand-in for the orchestrator and its workers. Commands are parsed as the
// orchestrator's decoder parses them and decided by the core's one door; records are kept per instance and folded
// by the core; due timers fire in order on a virtual clock; tasks are answered by the test or by the team's real
// handlers. No Kafka, no Redis, no schema registry.
import {
  decide,
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
import { runTasks, type TaskRun } from './task-loop';
import { testRegistry } from './test-registry';
import {
  DEFAULT_START,
  TESTING_ACTOR,
  type CommandOptions,
  type StartOptions,
  type TaskFailure,
  type TestEnvironmentOptions,
} from './environment-options';
import { InstanceStore } from './instance-store';
import { pendingTask } from './task-lookup';
import { ClockError, RefusedCommandError, UnknownInstanceError } from './testing-error';
import {
  taskView,
  type CommandResult,
  type InstanceView,
  type TaskView,
  type TimerFired,
  type TimerView,
} from './views';

/**
 * Timers one instance may fire at one instant before the environment calls it a loop (a state that times out
 * into itself after 0 ms): time would never move on.
 */
const MAX_TIMERS_AT_ONCE = 1_000;

export class TestEnvironment {
  private readonly registry: Registry;
  private readonly store = new InstanceStore();
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
    payload: unknown = {},
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

  cancel<C = JsonValue>(
    correlationId: string,
    reason = 'cancelled by test',
    options: CommandOptions = {},
  ): CommandResult<C> {
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
    return this.store.tasksRequested(correlationId);
  }

  /** Answers a pending task (by task id, run id, or by type when exactly one pending task has it) as a worker would. */
  completeTask<C = JsonValue>(taskIdOrType: string, output: unknown = {}): CommandResult<C> {
    return this.answer<C>(pendingTask(this.tasks(), taskIdOrType), {
      kind: 'succeeded',
      output: output as JsonValue,
    });
  }

  failTask<C = JsonValue>(taskIdOrType: string, failure: TaskFailure): CommandResult<C> {
    const error = { message: failure.message, code: failure.code ?? null };
    return this.answer<C>(pendingTask(this.tasks(), taskIdOrType), {
      kind: failure.fatal ? 'fatal' : 'retryable',
      error,
    });
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
    const atOnce = new Map<string, { at: number; count: number }>();
    for (let next = this.store.earliestDue(epochMs); next; next = this.store.earliestDue(epochMs)) {
      const id = next.instance.correlationId as string;
      const same = atOnce.get(id);
      const count = same?.at === next.command.timestamp ? same.count + 1 : 1;
      if (count > MAX_TIMERS_AT_ONCE) {
        throw new ClockError(
          `${id} fired more than ${MAX_TIMERS_AT_ONCE} timers at ${next.command.timestamp}: a timer loop?`,
        );
      }
      atOnce.set(id, { at: next.command.timestamp, count });
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
    return this.store.find(correlationId) as InstanceView<C> | undefined;
  }

  /** Ids of the instances whose logs hold records, in the order they were started. */
  correlationIds(): string[] {
    return this.store.ids();
  }

  /** The instance's transitions, seq 1 first. */
  history(correlationId: string): Transition[] {
    return this.log(correlationId).filter((record): record is Transition => record.kind === 'transition');
  }

  /** Every record of the instance's log: transitions, and the receipts of rejected, deferred, stashed, ignored commands. */
  log(correlationId: string): LogRecord[] {
    const log = this.store.log(correlationId);
    if (log === undefined) throw new UnknownInstanceError(correlationId, this.correlationIds());
    return log;
  }

  /** Every command decided so far, in order, as the core received it. */
  sent(): readonly Command[] {
    return this.store.sent();
  }

  setEnvironment(environment: Environment): void {
    this.environment = environment;
  }

  /**
   * Decides any typed command at the current time, exactly as the orchestrator would, and keeps what it records.
   * Never throws: a refused command is a rejected decision. The door for commands the helpers do not build.
   */
  send(command: Command): Step {
    const before = this.store.find(command.correlationId);
    const step = decide(this.registry, before, command, this.clock, this.environment);
    this.store.keep(command, step);
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

  private instances(correlationId?: string): Instance[] {
    if (correlationId !== undefined) return [this.instance(correlationId) as Instance];
    return this.store.instances();
  }
}

export function createTestEnvironment(options: TestEnvironmentOptions): TestEnvironment {
  return new TestEnvironment(options);
}
