// The state of one workflow instance: plain JSON, rebuilt from its log by `evolve` alone.
import type { SignalCommand } from '../command/command';
import type { DedupeWindow } from './dedupe-window-size';
import type { CommandId, CorrelationId, RunId, TaskId, TimerId } from '../ids';
import type { JsonValue } from '../json/json-value';
import type { Outcome } from '../log/outcome';

export type TerminalStatus = 'completed' | 'failed' | 'cancelled' | 'compensated' | 'timed_out';
export type InstanceStatus = 'running' | TerminalStatus;

/** A durable timer; `dueTimers` turns due ones into `timer-fired` commands. */
export type Timer =
  | { readonly kind: 'timeout'; readonly timerId: TimerId; readonly dueAt: number; readonly state: string }
  | { readonly kind: 'retry'; readonly timerId: TimerId; readonly dueAt: number; readonly taskId: TaskId }
  | {
      readonly kind: 'deferral';
      readonly timerId: TimerId;
      readonly dueAt: number;
      readonly command: SignalCommand;
      readonly signature: string;
    };

/** Where an open task came from, so its result can find the definition's reaction to it. */
export type TaskSource =
  | { readonly kind: 'invoke'; readonly state: string; readonly index: number }
  | { readonly kind: 'on'; readonly state: string; readonly event: string; readonly index: number }
  | { readonly kind: 'compensation'; readonly step: TaskId };

export type TaskKind = 'action' | 'compensation';

export interface OpenTask {
  readonly taskId: TaskId;
  readonly type: string;
  readonly kind: TaskKind;
  readonly input: JsonValue;
  readonly attempt: number;
  readonly runId: RunId;
  /** True while a retry timer runs: no attempt is in flight. */
  readonly waiting: boolean;
  /**
   * Left behind in flight by a state that was exited (a failure elsewhere, a cancel): its outcome is
   * awaited but never retried, and a success becomes a step that compensation will undo.
   */
  readonly draining: boolean;
  readonly source: TaskSource;
  /**
   * Set while the task type's circuit holds the current run: it was not dispatched and its attempt is not used;
   * a `task-resume` command dispatches it. Absent (or null) in tasks dispatched as usual.
   */
  readonly parked?: Parked | null;
}

export interface Parked {
  readonly reason: string;
  /** When the run was held: resumes go oldest first. */
  readonly since: number;
}

/** A completed action with a compensation, kept so a failure can undo it (latest first). */
export interface CompletedStep {
  readonly taskId: TaskId;
  readonly type: string;
  readonly compensation: { readonly type: string; readonly input: JsonValue };
}

export interface StashedCommand {
  readonly command: SignalCommand;
  readonly signature: string;
  readonly at: number;
}

export interface DedupeEntry {
  readonly commandId: CommandId;
  /**
   * True for an id statewright derived (a timer's, a task run's); absent for an id a client chose. The two are
   * separate spaces: a client's id never shadows or conflicts with a derived one, whatever it looks like.
   */
  readonly derived?: true;
  readonly signature: string;
  readonly at: number;
  readonly outcome: Outcome;
}

export type { DedupeWindow };

export interface Instance {
  readonly correlationId: CorrelationId;
  /** Which life of the correlation id this is (see `incarnationOf`); null for instances older than the field. */
  readonly incarnation?: string | null;
  readonly workflow: string;
  readonly version: number;
  readonly state: string;
  readonly context: JsonValue;
  readonly seq: number;
  readonly status: InstanceStatus;
  readonly timers: readonly Timer[];
  readonly openTasks: readonly OpenTask[];
  readonly completed: readonly CompletedStep[];
  readonly dedupe: readonly DedupeEntry[];
  readonly stash: readonly StashedCommand[];
  readonly window: DedupeWindow;
  /** Highest `sourceSeq` among applied commands; null until one carried it. */
  readonly lastSourceSeq: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a timer is and when it is due, without what it carries. */
export interface TimerOutline {
  readonly kind: Timer['kind'];
  readonly dueAt: number;
}

/**
 * What the orchestrator counts, indexes and reports of an instance, readable without the rest: every Instance is
 * one, and a restore may hold an instance with no open task as its outline until it is needed.
 */
export interface InstanceOutline {
  readonly correlationId: CorrelationId;
  readonly workflow: string;
  readonly version: number;
  readonly state: string;
  readonly status: InstanceStatus;
  readonly timers: readonly TimerOutline[];
  readonly openTasks: readonly OpenTask[];
  readonly updatedAt: number;
}
