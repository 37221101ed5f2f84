// The worker's part, in memory: pending tasks run through the team's handlers one at a time, each result decided
// at once; when only retry backoffs are left, the virtual clock skips to the earliest one and runs on.
import type { Instance, TaskOutcome } from '../core';
import type { HandlerMap } from '../worker/task/task-handler';
import { runHandler, type HandlerResult, type UnknownErrorPolicy } from './handler-run';
import { HandlerRunError } from './testing-error';
import type { TaskView, TimerView } from './views';

/** One attempt a handler made, and what it produced. */
export interface TaskRun {
  readonly task: TaskView;
  readonly result: HandlerResult;
}

/** The parts of the environment the loop drives. */
export interface TaskLoopHost {
  tasks(correlationId?: string): TaskView[];
  timers(correlationId?: string): TimerView[];
  advanceTo(epochMs: number): unknown;
  instance(correlationId: string): Instance;
}

export interface TaskLoopOptions {
  readonly correlationId: string | undefined;
  readonly unknownErrors: UnknownErrorPolicy;
  /** Run ids whose handler reported an asynchronous completion: they wait for the test, not for a handler. */
  readonly handedOff: Set<string>;
  readonly answer: (task: TaskView, outcome: TaskOutcome) => unknown;
}

/** Handler runs in one `runTasks` before it is called a loop (a workflow that keeps invoking tasks forever). */
const MAX_RUNS = 10_000;

export async function runTasks(
  host: TaskLoopHost,
  handlers: HandlerMap | undefined,
  options: TaskLoopOptions,
): Promise<TaskRun[]> {
  if (handlers === undefined) {
    throw new HandlerRunError('runTasks needs handlers: pass them to createTestEnvironment({ handlers })');
  }
  const runnable = (task: TaskView) =>
    handlers[task.type] !== undefined && !options.handedOff.has(task.runId);
  const runs: TaskRun[] = [];
  for (;;) {
    const task = host.tasks(options.correlationId).find(runnable);
    if (task === undefined) {
      const retry = nextRetry(host, options.correlationId, (type) => handlers[type] !== undefined);
      if (retry === undefined) return runs;
      host.advanceTo(retry.dueAt);
      continue;
    }
    if (runs.length >= MAX_RUNS) {
      throw new HandlerRunError(`handlers ran ${MAX_RUNS} times and tasks are still pending: a task loop?`);
    }
    const result = await runHandler(handlers[task.type]!, task, options.unknownErrors);
    runs.push({ task, result });
    if (result.kind === 'async') options.handedOff.add(task.runId);
    else options.answer(task, result);
  }
}

/** The earliest retry timer of a task the handlers can run: waiting for it is what a worker fleet would do. */
function nextRetry(
  host: TaskLoopHost,
  correlationId: string | undefined,
  handled: (type: string) => boolean,
): TimerView | undefined {
  return host.timers(correlationId).find((timer) => {
    if (timer.kind !== 'retry') return false;
    const task = host.instance(timer.correlationId).openTasks.find((t) => t.taskId === timer.taskId);
    return task !== undefined && handled(task.type);
  });
}
