// The records of an instance's log. Every consumed command for an existing instance leaves records here
// (except duplicates and dead-lettered input); only a Transition moves the machine and takes the next seq.
import type { CommandId, CorrelationId, TaskId, TimerId } from '../ids';
import type { Environment } from '../environment';
import type { JsonValue } from '../json/json-value';
import type { Reason } from '../reason';
import type {
  CompletedStep,
  DedupeEntry,
  DedupeWindow,
  InstanceStatus,
  OpenTask,
  StashedCommand,
  Timer,
} from '../instance/instance';

export interface RecordBase {
  readonly correlationId: CorrelationId;
  readonly workflow: string;
  /** The command this record resolves (for a deferred or stashed command: that command, not the one that released it). */
  readonly commandId: CommandId;
  /** The command being processed when this record was made, if it differs from `commandId`. */
  readonly causation: CommandId | null;
  readonly actor: string;
  /** When the core decided (the orchestrator's `now`), epoch ms. */
  readonly at: number;
  /** Dedupe entries to add or replace: the resolved command and, for a released deferral, its timer command. */
  readonly dedupe: readonly DedupeEntry[];
  readonly timers: { readonly set: readonly Timer[]; readonly clear: readonly TimerId[] };
  /** The environment a guard looked at while deciding; null when no guard ran. */
  readonly env: Environment | null;
}

/** A state change: seq is the previous seq + 1; carries everything `evolve` needs, never code. */
export interface Transition extends RecordBase {
  readonly kind: 'transition';
  readonly seq: number;
  /** The version after this transition (changes only on start and migration). */
  readonly version: number;
  /** What moved the machine: `start`, the signal's event name, `cancel`, `task-result`, `timeout` (a state's timer fired), `retry` (a backoff ended) or `migrate`. */
  readonly event: string;
  readonly from: string | null;
  readonly to: string;
  /** States entered on the way to `to`, in order (a compensation state with nothing to undo is passed through). */
  readonly via: readonly string[];
  readonly status: InstanceStatus;
  readonly context: JsonValue;
  readonly tasks: { readonly put: readonly OpenTask[]; readonly close: readonly TaskId[] };
  readonly steps: { readonly add: readonly CompletedStep[]; readonly remove: readonly TaskId[] };
  readonly sourceSeq: number | null;
  /** The producer's timestamp of the command. */
  readonly issuedAt: number;
  /** A new dedupe window (on start and migration); null keeps the current one. */
  readonly window: DedupeWindow | null;
}

/** A command refused for an existing instance. Conflicts add no dedupe entry (the original keeps its own). */
export interface Rejection extends RecordBase {
  readonly kind: 'rejection';
  readonly reason: Reason;
}

/** A guard asked to wait: the command is kept in a deferral timer (in `timers.set`) and re-decided when it fires. */
export interface Deferral extends RecordBase {
  readonly kind: 'deferral';
  readonly until: number;
}

/** An event the current state does not accept, kept until a later state does. */
export interface Stashing extends RecordBase {
  readonly kind: 'stashed';
  readonly entry: StashedCommand;
}

/** A command that changes nothing: an event whose policy is ignore, a stale timer, a late task result. */
export interface Dismissal extends RecordBase {
  readonly kind: 'ignored';
  readonly note: string;
}

/** An admin purge: the finished instance leaves the hot set. Its log stays; folding this record forgets it. */
export interface Purge extends RecordBase {
  readonly kind: 'purged';
  /** The seq of the last transition of the purged instance. */
  readonly seq: number;
}

export type LogRecord = Transition | Rejection | Deferral | Stashing | Dismissal | Purge;
