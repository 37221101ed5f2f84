// A task its circuit deferred is dispatched again: the same run (its attempt was never used) is requested, oldest
// deferral first, once the circuit lets it through. A resume that finds the circuit still holding, or the task
// no longer parked, changes nothing but its receipt.
import type { TaskResumeCommand } from '../command/command';
import type { Instance } from '../instance/instance';
import type { Step } from './decision';
import { commit, draftOf, replaceTask, requestRun } from './draft';
import type { DecideContext, Origin } from './origin';
import { dismissal } from './receipt';

export function decideTaskResume(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: TaskResumeCommand },
): Step {
  const { command } = origin;
  const task = instance.openTasks.find((t) => t.taskId === command.taskId);
  if (task === undefined || !task.parked || task.runId !== command.runId) {
    return dismissal(instance, origin, `run ${command.runId} is not deferred`, ctx.now);
  }
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  draft.resuming = true;
  const resumed = { ...task, parked: null };
  replaceTask(draft, resumed);
  requestRun(draft, resumed);
  if (draft.requests.length === 0) {
    return dismissal(instance, origin, `${task.parked.reason}: run ${command.runId} stays deferred`, ctx.now);
  }
  draft.env = ctx.env;
  return commit(draft, origin, 'resume');
}

/** The commandId of a resume: fixed by the run, the circuit epoch and the instance's last change it was issued at. */
export const resumeCommandId = (runId: string, epoch: number, updatedAt: number): string =>
  `resume:${runId}@${epoch}.${updatedAt}`;
