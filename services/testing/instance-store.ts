// What the orchestrator keeps, in memory: each instance with its log (the transitions topic's partition, per
// instance), every task attempt requested and every command decided, in order.
import {
  dueTimers,
  type Command,
  type Instance,
  type LogRecord,
  type Step,
  type TaskRequest,
  type TimerFiredCommand,
} from '../core';

interface Entry {
  instance: Instance | undefined;
  readonly log: LogRecord[];
}

export class InstanceStore {
  private readonly entries = new Map<string, Entry>();
  private readonly requested: TaskRequest[] = [];
  private readonly commands: Command[] = [];

  /** Keeps what a decided command left: like the orchestrator, an instance changes only with records. */
  keep(command: Command, step: Step): void {
    this.commands.push(command);
    this.requested.push(...step.tasks);
    if (step.records.length === 0) return;
    const entry = this.entries.get(command.correlationId);
    if (entry === undefined) {
      this.entries.set(command.correlationId, { instance: step.instance, log: [...step.records] });
      return;
    }
    entry.instance = step.instance;
    entry.log.push(...step.records);
  }

  find(correlationId: string): Instance | undefined {
    return this.entries.get(correlationId)?.instance;
  }

  log(correlationId: string): LogRecord[] | undefined {
    return this.entries.get(correlationId)?.log.slice();
  }

  /** Ids with a log, in the order their instances started. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  instances(): Instance[] {
    return [...this.entries.values()].flatMap((entry) => (entry.instance ? [entry.instance] : []));
  }

  tasksRequested(correlationId?: string): TaskRequest[] {
    return correlationId === undefined
      ? this.requested.slice()
      : this.requested.filter((task) => task.correlationId === correlationId);
  }

  sent(): Command[] {
    return this.commands.slice();
  }

  /** The timer due first by `until` over all instances: by due time, then timer id, then the older instance. */
  earliestDue(until: number): { instance: Instance; command: TimerFiredCommand } | undefined {
    let best: { instance: Instance; command: TimerFiredCommand } | undefined;
    for (const instance of this.instances()) {
      const command = dueTimers(instance, until)[0];
      if (command !== undefined && (best === undefined || command.timestamp < best.command.timestamp)) {
        best = { instance, command };
      }
    }
    return best;
  }
}
