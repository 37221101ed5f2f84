// Task results: success feeds the context and the join; a retryable failure with attempts left waits on a retry
// timer; a final failure takes the state's error path. Results of closed tasks or superseded runs change nothing.
import type { TaskError, TaskResultCommand } from '../command/command';
import { mayRetry, retryDelay } from '../definition/retry-policy';
import { retryTimerId } from '../ids';
import type { Instance, OpenTask } from '../instance/instance';
import type { JsonValue } from '../json/json-value';
import type { Step } from './decision';
import { closeTask, commit, draftOf, replaceTask, type Draft } from './draft';
import { compensateNext, forgetStep, moveTo, rememberStep, stateOf } from './motion';
import type { DecideContext, Origin } from './origin';
import { dismissal } from './receipt';

export function decideTaskResult(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: TaskResultCommand },
): Step {
  const command = origin.command;
  const task = instance.openTasks.find((t) => t.taskId === command.taskId);
  if (task === undefined) return dismissal(instance, origin, `task ${command.taskId} is not open`, ctx.now);
  if (task.runId !== command.runId || task.waiting || task.parked) {
    return dismissal(
      instance,
      origin,
      `run ${command.runId} is not the current run of ${task.taskId}`,
      ctx.now,
    );
  }
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  const outcome = command.outcome;
  if (task.draining) {
    settle(draft, task, outcome.kind === 'succeeded' ? outcome.output : undefined);
  } else if (outcome.kind === 'succeeded') {
    succeed(draft, task, outcome.output);
  } else {
    const policy = ctx.def.tasks.get(task.type)?.retry;
    const retry =
      policy !== undefined &&
      mayRetry(policy, task.attempt, { kind: outcome.kind, code: outcome.error.code });
    if (retry) waitForRetry(draft, task, retryDelay(policy, task.taskId, task.attempt));
    else fail(draft, task, outcome.error);
  }
  return commit(draft, origin, 'task-result');
}

/**
 * The outcome of an action its state left in flight: a success is remembered as a step to undo; any
 * failure means nothing happened. A compensation state waiting for it then goes on.
 */
function settle(draft: Draft, task: OpenTask, output: JsonValue | undefined): void {
  closeTask(draft, task.taskId);
  if (output !== undefined) rememberStep(draft, task, output);
  const node = stateOf(draft, draft.state);
  const compensating = draft.tasks.some((t) => t.kind === 'compensation');
  if (node.compensate !== null && !compensating) compensateNext(draft);
}

function waitForRetry(draft: Draft, task: OpenTask, delay: number): void {
  replaceTask(draft, { ...task, waiting: true });
  draft.timers.push({
    kind: 'retry',
    timerId: retryTimerId(task.runId),
    dueAt: draft.now + delay,
    taskId: task.taskId,
  });
}

function succeed(draft: Draft, task: OpenTask, output: JsonValue): void {
  closeTask(draft, task.taskId);
  const source = task.source;
  if (source.kind === 'compensation') {
    forgetStep(draft, source.step);
    return compensateNext(draft);
  }
  const node = stateOf(draft, source.state);
  const invocation =
    source.kind === 'invoke'
      ? node.invoke?.tasks[source.index]
      : node.on.get(source.event)?.tasks[source.index];
  if (invocation?.assign) draft.context = invocation.assign(draft.context, output);
  rememberStep(draft, task, output);
  if (source.kind !== 'invoke' || node.invoke === null) return;
  const group = openGroup(draft, source.state);
  if (node.invoke.join === 'any') group.forEach((t) => closeTask(draft, t.taskId));
  if (node.invoke.join === 'any' || group.length === 0) {
    const done = node.invoke.onDone;
    if (done.update) draft.context = done.update(draft.context);
    moveTo(draft, done.target);
  }
}

function fail(draft: Draft, task: OpenTask, error: TaskError): void {
  closeTask(draft, task.taskId);
  const source = task.source;
  if (source.kind === 'on') return;
  const node = stateOf(draft, draft.state);
  if (source.kind === 'compensation') {
    if (node.compensate !== null) moveTo(draft, node.compensate.onError);
    return;
  }
  if (node.invoke === null) return;
  const group = openGroup(draft, source.state);
  if (node.invoke.join === 'any' && group.length > 0) return;
  const onError = node.invoke.onError;
  if (onError.update) draft.context = onError.update(draft.context, error);
  moveTo(draft, onError.target);
}

/** The still-open tasks invoked on entry to `state` (the state's join group). */
function openGroup(draft: Draft, state: string): OpenTask[] {
  return draft.tasks.filter((t) => t.source.kind === 'invoke' && t.source.state === state && !t.draining);
}
