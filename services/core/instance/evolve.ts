// evolve: folds one log record into an instance. Pure data in, data out; it never calls definition code.
import type { LogRecord, Purge, Transition } from '../log/log-record';
import { ReplayError } from '../log/replay-error';
import { incarnationOf, type TaskId, type TimerId } from '../ids';
import { DEFAULT_DEDUPE_WINDOW, remember } from './dedupe-window';
import type { CompletedStep, Instance, OpenTask, StashedCommand, Timer } from './instance';
import { itemsOrNone, NO_ITEMS } from './no-items';

/** Folds `record`; a purge record folds to undefined (the instance is forgotten). */
export function evolve(instance: Instance | undefined, record: Exclude<LogRecord, Purge>): Instance;
export function evolve(instance: Instance | undefined, record: LogRecord): Instance | undefined;
export function evolve(instance: Instance | undefined, record: LogRecord): Instance | undefined {
  if (record.kind === 'transition') return applyTransition(instance, record);
  if (instance === undefined) {
    throw new ReplayError(`a ${record.kind} record for ${record.correlationId} needs an existing instance`);
  }
  if (record.kind === 'purged') return undefined;
  const stash = withoutCommand(instance.stash, record.commandId);
  return {
    ...instance,
    timers: applyTimers(instance.timers, record.timers),
    dedupe: remember(instance.dedupe, record.dedupe, instance.window, record.at),
    stash: record.kind === 'stashed' ? stash.concat(record.entry) : stash,
    updatedAt: record.at,
  };
}

function applyTransition(instance: Instance | undefined, t: Transition): Instance {
  const previous = instance ?? blank(t);
  if (t.seq !== previous.seq + 1) {
    throw new ReplayError(
      `transition seq ${t.seq} does not follow seq ${previous.seq} of ${t.correlationId}`,
    );
  }
  const window = t.window ?? previous.window;
  return {
    correlationId: previous.correlationId,
    incarnation: previous.incarnation ?? null,
    workflow: previous.workflow,
    version: t.version,
    state: t.to,
    context: t.context,
    seq: t.seq,
    status: t.status,
    timers: applyTimers(previous.timers, t.timers),
    openTasks: applyTasks(previous.openTasks, t.tasks.put, t.tasks.close),
    completed: applySteps(previous.completed, t.steps.add, t.steps.remove),
    dedupe: remember(previous.dedupe, t.dedupe, window, t.at),
    stash: withoutCommand(previous.stash, t.commandId),
    window,
    lastSourceSeq: newestSourceSeq(previous.lastSourceSeq, t.sourceSeq),
    createdAt: previous.createdAt,
    updatedAt: t.at,
  };
}

/** The instance before its first transition (its start): seq 0, nothing open. */
function blank(t: Transition): Instance {
  return {
    correlationId: t.correlationId,
    incarnation: incarnationOf(t.commandId, t.issuedAt),
    workflow: t.workflow,
    version: t.version,
    state: t.to,
    context: null,
    seq: 0,
    status: 'running',
    timers: NO_ITEMS,
    openTasks: NO_ITEMS,
    completed: NO_ITEMS,
    dedupe: NO_ITEMS,
    stash: NO_ITEMS,
    window: t.window ?? DEFAULT_DEDUPE_WINDOW,
    lastSourceSeq: null,
    createdAt: t.at,
    updatedAt: t.at,
  };
}

function applyTimers(
  timers: readonly Timer[],
  change: { readonly set: readonly Timer[]; readonly clear: readonly TimerId[] },
): readonly Timer[] {
  if (change.set.length === 0 && change.clear.length === 0) return timers;
  const kept = change.clear.length === 0 ? timers : timers.filter((t) => !change.clear.includes(t.timerId));
  return itemsOrNone(change.set.length === 0 ? kept : kept.concat(change.set));
}

/** Replaces tasks in place by id, appends new ones, drops closed ones. */
function applyTasks(
  tasks: readonly OpenTask[],
  put: readonly OpenTask[],
  close: readonly TaskId[],
): readonly OpenTask[] {
  if (put.length === 0 && close.length === 0) return tasks;
  const fresh = put.filter((p) => !tasks.some((t) => t.taskId === p.taskId));
  const updated = tasks
    .filter((t) => !close.includes(t.taskId))
    .map((t) => put.find((p) => p.taskId === t.taskId) ?? t);
  return itemsOrNone(fresh.length === 0 ? updated : updated.concat(fresh));
}

function applySteps(
  steps: readonly CompletedStep[],
  add: readonly CompletedStep[],
  remove: readonly TaskId[],
): readonly CompletedStep[] {
  if (add.length === 0 && remove.length === 0) return steps;
  const kept = remove.length === 0 ? steps : steps.filter((s) => !remove.includes(s.taskId));
  return itemsOrNone(add.length === 0 ? kept : kept.concat(add));
}

function withoutCommand(stash: readonly StashedCommand[], commandId: string): readonly StashedCommand[] {
  if (stash.length === 0 || !stash.some((s) => s.command.commandId === commandId)) return stash;
  return itemsOrNone(stash.filter((s) => s.command.commandId !== commandId));
}

/** Commands released late (from the stash or a deferral) may carry an older sourceSeq: the newest one stays. */
function newestSourceSeq(last: number | null, next: number | null): number | null {
  if (next === null) return last;
  return last === null || next > last ? next : last;
}
