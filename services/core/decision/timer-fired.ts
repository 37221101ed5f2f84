// Timers re-enter as commands: a timeout moves to the state's `after` target, a retry timer starts the next
// attempt, a deferral timer re-decides the command it holds. A timer no longer pending changes nothing.
import type { TimerFiredCommand } from '../command/command';
import { runIdOf } from '../ids';
import type { Instance, Timer } from '../instance/instance';
import type { Step } from './decision';
import { commit, draftOf, requestRun, replaceTask } from './draft';
import { moveTo, stateOf } from './motion';
import type { DecideContext, Origin } from './origin';
import { reason } from '../reason';
import { dismissal, rejection } from './receipt';
import { decideSignal } from './signal';

export function decideTimerFired(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: TimerFiredCommand },
): Step {
  const timer = instance.timers.find((t) => t.timerId === origin.command.timerId);
  if (timer === undefined)
    return dismissal(instance, origin, `timer ${origin.command.timerId} is not pending`, ctx.now);
  switch (timer.kind) {
    case 'timeout':
      return timeout(ctx, instance, origin, timer);
    case 'retry':
      return retry(ctx, instance, origin, timer);
    case 'deferral':
      return decideSignal(ctx, instance, {
        command: timer.command,
        signature: timer.signature,
        causation: origin.command.commandId,
        alsoRemember: { commandId: origin.command.commandId, signature: origin.signature },
        releases: timer.timerId,
      });
  }
}

function timeout(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin,
  timer: Timer & { kind: 'timeout' },
): Step {
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  draft.timers = draft.timers.filter((t) => t !== timer);
  const after = stateOf(draft, timer.state).after;
  if (after !== null) {
    if (after.update) draft.context = after.update(draft.context);
    moveTo(draft, after.target);
  }
  return commit(draft, origin, 'timeout');
}

/**
 * An operator's retry: the task waiting longest for its backoff starts its next attempt now, exactly as if its
 * retry timer had fired. Refused when no task is waiting.
 */
export function decideRetryNow(ctx: DecideContext, instance: Instance, origin: Origin): Step {
  const waiting = instance.timers
    .filter((t): t is Timer & { kind: 'retry' } => t.kind === 'retry')
    .sort((a, b) => a.dueAt - b.dueAt)[0];
  if (waiting === undefined) {
    return rejection(instance, origin, reason('not-accepted', 'no task is waiting for a retry'), ctx.now);
  }
  return retry(ctx, instance, origin, waiting);
}

function retry(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin,
  timer: Timer & { kind: 'retry' },
): Step {
  const task = instance.openTasks.find((t) => t.taskId === timer.taskId);
  if (task === undefined) return dismissal(instance, origin, `task ${timer.taskId} is not open`, ctx.now);
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  draft.timers = draft.timers.filter((t) => t !== timer);
  const attempt = task.attempt + 1;
  const next = { ...task, attempt, runId: runIdOf(task.taskId, attempt), waiting: false };
  replaceTask(draft, next);
  requestRun(draft, next);
  return commit(draft, origin, 'retry');
}
