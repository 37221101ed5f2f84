// When each running instance of a partition entered its current state, so leaving it yields a dwell time and
// the oldest waiting instance of every state is known. Fed by replay and by committed transitions.
import type { InstanceOutline, LogRecord, Transition } from '../../core';

export class StateClock {
  private readonly entered = new Map<string, number>();

  /** When the entry is unknown (restored from a snapshot), the last change is the closest bound we have. */
  enteredAt(instance: InstanceOutline): number {
    return this.entered.get(instance.correlationId) ?? instance.updatedAt;
  }

  /** Replay: records other than transitions do not move the machine. */
  fold(record: LogRecord): void {
    if (record.kind === 'transition') this.advance(record);
  }

  /**
   * Answers the seconds spent in the state the transition leaves, or null when it stays (an internal
   * transition) or when it starts the instance. Final states are forgotten: nothing leaves them.
   */
  advance(t: Transition): number | null {
    const id = t.correlationId as string;
    if (t.from !== null && t.from === t.to) return null;
    const since = this.entered.get(id);
    if (t.status === 'running') this.entered.set(id, t.at);
    else this.entered.delete(id);
    if (t.from === null || since === undefined) return null;
    return Math.max(0, (t.at - since) / 1000);
  }
}
