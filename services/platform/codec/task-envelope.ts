// The TaskRequest envelope on <prefix>.tasks: one attempt of a side effect, input as JSON.
import type { JsonValue, TaskRequest } from '../../core';

export interface TaskEnvelope {
  readonly taskId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly type: string;
  readonly kind: string;
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  readonly input: string;
}

export const toTaskEnvelope = (task: TaskRequest): TaskEnvelope => ({
  taskId: task.taskId,
  runId: task.runId,
  attempt: task.attempt,
  type: task.type,
  kind: task.kind,
  correlationId: task.correlationId,
  workflow: task.workflow,
  version: task.version,
  input: JSON.stringify(task.input),
});

export const taskInputOf = (envelope: TaskEnvelope): JsonValue => JSON.parse(envelope.input) as JsonValue;
