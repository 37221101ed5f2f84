// Timers the orchestrator must publish: each due timer becomes a `timer-fired` command with an id fixed by the timer.
import type { TimerFiredCommand } from '../command/command';
import { timerCommandId } from '../ids';
import type { Instance, InstanceOutline } from './instance';

export const TIMER_ACTOR = 'statewright:timer';

/** Due timers of `instance` at `now`, earliest first; the command's timestamp is the due time, so it is stable. */
export function dueTimers(instance: Instance, now: number): TimerFiredCommand[] {
  return instance.timers
    .filter((timer) => timer.dueAt <= now)
    .sort((a, b) => a.dueAt - b.dueAt || (a.timerId < b.timerId ? -1 : a.timerId > b.timerId ? 1 : 0))
    .map((timer) => ({
      type: 'timer-fired',
      commandId: timerCommandId(timer.timerId),
      correlationId: instance.correlationId,
      workflow: instance.workflow,
      actor: TIMER_ACTOR,
      timestamp: timer.dueAt,
      expectedSeq: null,
      sourceSeq: null,
      timerId: timer.timerId,
    }));
}

/** The earliest due time among pending timers, or null: when the orchestrator should look again. */
export function nextDue(instance: InstanceOutline): number | null {
  let earliest: number | null = null;
  for (const timer of instance.timers)
    if (earliest === null || timer.dueAt < earliest) earliest = timer.dueAt;
  return earliest;
}
