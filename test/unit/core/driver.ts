// A test driver that plays the orchestrator's part: it feeds commands through `handle`, keeps the log, folds it
// with `evolve`, and checks on every step that the fold reproduces the instance `handle` returned.
import {
  dueTimers,
  evolve,
  EMPTY_ENVIRONMENT,
  type Environment,
  type Instance,
  type JsonValue,
  type LogRecord,
  type Registry,
  type Step,
  type TaskRequest,
} from '../../../services/core';
import { decideRaw } from '../../harness/decide-raw';

export interface DriverOptions {
  readonly workflow: string;
  readonly correlationId?: string;
  readonly now?: number;
}

export class Driver {
  instance: Instance | undefined = undefined;
  readonly log: LogRecord[] = [];
  readonly steps: Step[] = [];
  readonly tasks: TaskRequest[] = [];
  now: number;
  env: Environment = EMPTY_ENVIRONMENT;
  private counter = 0;
  readonly workflow: string;
  readonly correlationId: string;

  constructor(
    readonly registry: Registry,
    options: DriverOptions,
  ) {
    this.workflow = options.workflow;
    this.correlationId = options.correlationId ?? 'order-1';
    this.now = options.now ?? 1_700_000_000_000;
  }

  envelope(extra: Record<string, unknown> = {}): Record<string, unknown> {
    this.counter += 1;
    return {
      commandId: `cmd-${this.counter}`,
      correlationId: this.correlationId,
      workflow: this.workflow,
      actor: 'test',
      timestamp: this.now,
      ...extra,
    };
  }

  send(command: unknown): Step {
    const step = decideRaw(this.registry, this.instance, command, this.now, this.env);
    const folded = step.records.reduce<Instance | undefined>(evolve, this.instance);
    if (JSON.stringify(folded) !== JSON.stringify(step.instance))
      throw new Error('fold differs from step.instance');
    this.log.push(...step.records);
    this.tasks.push(...step.tasks);
    this.steps.push(step);
    this.instance = step.instance;
    return step;
  }

  start(input: JsonValue, extra: Record<string, unknown> = {}): Step {
    return this.send({ ...this.envelope(extra), type: 'start', input });
  }

  signal(event: string, payload: JsonValue = {}, extra: Record<string, unknown> = {}): Step {
    return this.send({ ...this.envelope(extra), type: 'signal', event, payload });
  }

  cancel(reason = 'customer asked'): Step {
    return this.send({ ...this.envelope(), type: 'cancel', reason });
  }

  /** The latest request for a task type (the run a worker would be executing). */
  request(type: string): TaskRequest {
    const found = [...this.tasks].reverse().find((t) => t.type === type);
    if (!found) throw new Error(`no task request of type ${type}`);
    return found;
  }

  succeed(type: string, output: JsonValue = {}): Step {
    const task = this.request(type);
    return this.send({
      ...this.envelope({ commandId: task.runId }),
      type: 'task-result',
      taskId: task.taskId,
      runId: task.runId,
      outcome: { kind: 'succeeded', output },
    });
  }

  fail(type: string, kind: 'retryable' | 'fatal', message = 'boom', code: string | null = null): Step {
    const task = this.request(type);
    return this.send({
      ...this.envelope({ commandId: task.runId }),
      type: 'task-result',
      taskId: task.taskId,
      runId: task.runId,
      outcome: { kind, error: { message, code } },
    });
  }

  /** Moves the clock and publishes due timers as the orchestrator would. */
  advance(ms: number): Step[] {
    this.now += ms;
    return this.instance ? dueTimers(this.instance, this.now).map((command) => this.send(command)) : [];
  }

  get state(): string | undefined {
    return this.instance?.state;
  }

  types(kind?: 'action' | 'compensation'): string[] {
    return this.tasks.filter((t) => kind === undefined || t.kind === kind).map((t) => t.type);
  }
}

export const order = {
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 2 }],
  amount: 40,
  payment: { cardNumber: '4111111111111111' },
  address: '1 Main St',
};
