// What the read model remembers about one command: the outcome of the latest record that resolved it.
import type { LogRecord, Outcome } from '../../core';
import { unreachable } from '../../core/unreachable';

export interface CommandOutcome {
  readonly commandId: string;
  readonly correlationId: string;
  readonly outcome: Outcome;
  /** The instance's seq after the record. */
  readonly seq: number;
  readonly at: number;
}

export function outcomeOf(record: LogRecord): Outcome {
  switch (record.kind) {
    case 'transition':
      return { kind: 'applied', seq: record.seq };
    case 'rejection':
      return { kind: 'rejected', reason: record.reason };
    case 'deferral':
      return { kind: 'deferred', until: record.until };
    case 'stashed':
      return { kind: 'stashed' };
    case 'ignored':
      return { kind: 'ignored', note: record.note };
    case 'purged':
      return { kind: 'applied', seq: record.seq };
    default:
      return unreachable(record);
  }
}
