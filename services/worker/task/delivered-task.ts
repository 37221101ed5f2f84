// A task request as the worker receives it: the envelope's fields, its kind checked.
import type { TaskEnvelope } from '../../platform/codec/task-envelope';
import type { TaskContext, TaskKind } from './task-handler';

export interface DeliveredTask {
  readonly taskId: string;
  readonly context: Omit<TaskContext, 'signal'>;
  /** JSON text; parsing it is part of running the task, so bad input becomes a fatal result. */
  readonly input: string;
}

export type Delivery =
  { readonly ok: true; readonly task: DeliveredTask } | { readonly ok: false; readonly reason: string };

const isKind = (kind: string): kind is TaskKind => kind === 'action' || kind === 'compensation';

export function deliveredTask(envelope: TaskEnvelope): Delivery {
  if (!isKind(envelope.kind)) return { ok: false, reason: `unknown task kind ${envelope.kind}` };
  return {
    ok: true,
    task: {
      taskId: envelope.taskId,
      input: envelope.input,
      context: {
        taskId: envelope.taskId,
        runId: envelope.runId,
        attempt: envelope.attempt,
        correlationId: envelope.correlationId,
        workflow: envelope.workflow,
        version: envelope.version,
        kind: envelope.kind,
        type: envelope.type,
      },
    },
  };
}
