// The task-result command a worker answers a task with: commandId is the run id, so the core applies it once.
import {
  commandId,
  correlationId,
  type RunId,
  type TaskId,
  type TaskOutcome,
  type TaskResultCommand,
} from '../../core';
import type { DeliveredTask } from '../task/delivered-task';

export function resultCommand(
  task: DeliveredTask,
  outcome: TaskOutcome,
  actor: string,
  now: number,
): TaskResultCommand {
  const { context } = task;
  return {
    type: 'task-result',
    commandId: commandId(context.runId),
    correlationId: correlationId(context.correlationId),
    workflow: context.workflow,
    actor,
    timestamp: now,
    expectedSeq: null,
    sourceSeq: null,
    taskId: context.taskId as TaskId,
    runId: context.runId as RunId,
    outcome,
  };
}
