// What a test reads from the environment: instances as the core folds them, pending tasks and pending timers,
// each tagged with the instance it belongs to.
import type {
  Decision,
  Instance,
  JsonValue,
  OpenTask,
  RunId,
  TaskId,
  TaskKind,
  Timer,
  TimerId,
} from '../core';

/** An instance as `evolve` folds it; `C` types the context for the test's convenience (it is not checked). */
export type InstanceView<C = JsonValue> = Omit<Instance, 'context'> & { readonly context: C };

/** A task attempt in flight: requested, not answered, not waiting out a retry backoff. */
export interface TaskView {
  readonly id: TaskId;
  readonly runId: RunId;
  readonly type: string;
  readonly kind: TaskKind;
  readonly input: JsonValue;
  readonly attempt: number;
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  /** Left in flight by a state that was exited: its outcome is awaited but never retried. */
  readonly draining: boolean;
}

export type TimerView = Timer & { readonly correlationId: string };

export interface TimerFired {
  readonly correlationId: string;
  readonly timerId: TimerId;
  readonly kind: Timer['kind'];
  readonly dueAt: number;
  readonly decision: Decision['kind'];
}

/** What became of a command sent by a test, and the instance after it. */
export interface CommandResult<C = JsonValue> {
  readonly decision: Decision;
  readonly instance: InstanceView<C>;
}

export function taskView(instance: Instance, task: OpenTask): TaskView {
  return {
    id: task.taskId,
    runId: task.runId,
    type: task.type,
    kind: task.kind,
    input: task.input,
    attempt: task.attempt,
    correlationId: instance.correlationId,
    workflow: instance.workflow,
    version: instance.version,
    draining: task.draining,
  };
}
