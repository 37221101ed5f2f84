// Records traffic as the orchestrator would log it: every command parsed once, decided with the pure core, and
// kept with the records it left, per instance. Timers fire when the clock is moved. For shadow replay and
// migration dry-run tests, which need a recorded history made by the current code.
import {
  decide,
  dueTimers,
  EMPTY_ENVIRONMENT,
  parseCommand,
  type Command,
  type Instance,
  type JsonValue,
  type Registry,
  type TaskRequest,
} from '../../../services/core';
import type { RecordedCommand } from '../../../services/core/evolution';

export class Recorder {
  readonly history: RecordedCommand[] = [];
  readonly instances = new Map<string, Instance>();
  private readonly requests = new Map<string, TaskRequest[]>();
  private counter = 0;

  constructor(
    private readonly registry: Registry,
    private readonly workflow: string,
    public now = 1_700_000_000_000,
  ) {}

  send(raw: Record<string, unknown>): void {
    const parsed = parseCommand({ actor: 'test', timestamp: this.now, workflow: this.workflow, ...raw });
    if (!parsed.ok) throw new Error(parsed.message);
    this.decide(parsed.command);
  }

  start(id: string, input: JsonValue): void {
    this.send({ commandId: this.next(), correlationId: id, type: 'start', input });
  }

  signal(id: string, event: string, payload: JsonValue = {}): void {
    this.send({ commandId: this.next(), correlationId: id, type: 'signal', event, payload });
  }

  cancel(id: string): void {
    this.send({ commandId: this.next(), correlationId: id, type: 'cancel', reason: 'asked' });
  }

  succeed(id: string, type: string, output: JsonValue = {}): void {
    this.result(id, type, { kind: 'succeeded', output });
  }

  fail(id: string, type: string, kind: 'retryable' | 'fatal', message = 'boom'): void {
    this.result(id, type, { kind, error: { message, code: null } });
  }

  /** Moves the clock and sends every due timer of every instance, as the orchestrator's timer wheel would. */
  advance(ms: number): void {
    this.now += ms;
    for (const instance of [...this.instances.values()])
      for (const command of dueTimers(instance, this.now)) this.decide(command);
  }

  private result(id: string, type: string, outcome: Record<string, unknown>): void {
    const task = [...(this.requests.get(id) ?? [])].reverse().find((t) => t.type === type);
    if (task === undefined) throw new Error(`${id}: no request of ${type}`);
    this.send({
      commandId: task.runId,
      correlationId: id,
      type: 'task-result',
      taskId: task.taskId,
      runId: task.runId,
      outcome,
    });
  }

  private decide(command: Command): void {
    const id = command.correlationId;
    const step = decide(this.registry, this.instances.get(id), command, this.now, EMPTY_ENVIRONMENT);
    this.history.push({ command, records: step.records });
    if (step.instance === undefined) this.instances.delete(id);
    else this.instances.set(id, step.instance);
    this.requests.set(id, [...(this.requests.get(id) ?? []), ...step.tasks]);
  }

  private next(): string {
    this.counter += 1;
    return `cmd-${this.counter}`;
  }
}
