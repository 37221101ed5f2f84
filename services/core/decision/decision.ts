// What `decide` answers: the decision about one command, the records to append, the tasks to publish.
import type { CorrelationId, RunId, TaskId } from '../ids';
import type { Instance, TaskKind } from '../instance/instance';
import type { JsonValue } from '../json/json-value';
import type { LogRecord, Transition } from '../log/log-record';
import type { Outcome } from '../log/outcome';
import type { Reason } from '../reason';

/** A side effect for a worker: one attempt (`runId`) of a task. */
export interface TaskRequest {
  readonly taskId: TaskId;
  readonly runId: RunId;
  readonly attempt: number;
  readonly type: string;
  readonly input: JsonValue;
  readonly correlationId: CorrelationId;
  readonly workflow: string;
  readonly version: number;
  readonly kind: TaskKind;
}

export type Decision =
  /** The command moved the machine; stashed events it released follow its own transition. */
  | {
      readonly kind: 'applied';
      readonly transitions: readonly Transition[];
      readonly tasks: readonly TaskRequest[];
    }
  /** Seen before with the same signature: nothing new happens; `original` is what happened then. */
  | { readonly kind: 'duplicate'; readonly original: Outcome }
  | { readonly kind: 'rejected'; readonly reason: Reason }
  /** A guard asked to wait: a deferral timer re-submits the command at `until`. */
  | { readonly kind: 'deferred'; readonly until: number }
  /** Not accepted in the current state; kept until a later state accepts it. */
  | { readonly kind: 'stashed' }
  /** Accepted as input but changes nothing (ignored event, stale timer, late task result). */
  | { readonly kind: 'ignored'; readonly note: string };

export interface Step {
  readonly decision: Decision;
  /** Append in order; `records.reduce(evolve, before)` equals `instance`. */
  readonly records: readonly LogRecord[];
  readonly tasks: readonly TaskRequest[];
  /** The instance after the records, as `evolve` folds them (undefined when none exists yet). */
  readonly instance: Instance | undefined;
}
