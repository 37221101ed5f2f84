// One attempt of a task through the team's real handler, as the worker SDK runs it: input checked against the
// handler's schema, output required to be JSON, thrown errors classified retryable, fatal or asynchronous.
import { NonRetriableError, RetriableError, toJson, type TaskOutcome } from '../core';
import type { AnyTaskHandler, TaskContext } from '../worker/task/task-handler';
import type { TaskView } from './views';

/** What an attempt produced: the core's outcome, or nothing to report because the task completes elsewhere. */
export type HandlerResult = TaskOutcome | { readonly kind: 'async'; readonly reason: string };

/** How an error that is neither a RetryableTaskError nor a FatalTaskError counts; the worker's default is retryable. */
export type UnknownErrorPolicy = 'retryable' | 'fatal';

/** The code of the worker SDK's AsyncCompletion: the handler handed the task to a system that reports later. */
const ASYNC_COMPLETION = 'async-completion';

export async function runHandler(
  handler: AnyTaskHandler,
  task: TaskView,
  unknownErrors: UnknownErrorPolicy,
): Promise<HandlerResult> {
  const input = handler.input.safeParse(task.input);
  if (!input.success) {
    const issue = input.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return fatal(`invalid task input: ${where}${issue?.message ?? 'rejected'}`, 'invalid-input');
  }
  try {
    const output = toJson(await handler.handle(input.data as never, contextOf(task)));
    if (output === undefined)
      return fatal(`${task.type} returned a value that is not JSON`, 'invalid-output');
    return { kind: 'succeeded', output };
  } catch (error) {
    return classify(error, unknownErrors);
  }
}

function contextOf(task: TaskView): TaskContext {
  return {
    taskId: task.id,
    runId: task.runId,
    attempt: task.attempt,
    correlationId: task.correlationId,
    workflow: task.workflow,
    version: task.version,
    kind: task.kind,
    type: task.type,
    // Virtual time never runs out: the signal never fires.
    signal: new AbortController().signal,
  };
}

/** RetryableTaskError and FatalTaskError extend the core's RetriableError and NonRetriableError. */
function classify(error: unknown, unknownErrors: UnknownErrorPolicy): HandlerResult {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NonRetriableError) {
    if (error.code === ASYNC_COMPLETION) return { kind: 'async', reason: message };
    return fatal(message, error.code);
  }
  if (error instanceof RetriableError) return { kind: 'retryable', error: { message, code: error.code } };
  return { kind: unknownErrors, error: { message, code: codeOf(error) } };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : 'unclassified';
}

const fatal = (message: string, code: string): HandlerResult => ({ kind: 'fatal', error: { message, code } });
