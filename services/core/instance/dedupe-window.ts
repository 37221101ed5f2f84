// The dedupe window: recent command ids with their signature and outcome, bounded by count and age. Ids that
// statewright derives (timers, task runs) and ids clients choose are kept apart, so neither can shadow the other.
import type { Command } from '../command/command';
import type { DedupeEntry, DedupeWindow, Instance } from './instance';

export const DEFAULT_DEDUPE_WINDOW: DedupeWindow = { count: 64, ageMs: 24 * 60 * 60 * 1000 };

/** Timer and task-result commands carry ids statewright derived from the instance; every other id is a client's. */
export const hasDerivedId = (command: Pick<Command, 'type'>): boolean =>
  command.type === 'timer-fired' || command.type === 'task-result' || command.type === 'task-resume';

const sameId = (entry: DedupeEntry, commandId: string, derived: boolean): boolean =>
  entry.commandId === commandId && (entry.derived === true) === derived;

/** The live entry for the command's id at `now`; an entry past its age no longer counts even before eviction. */
export function recall(
  instance: Instance,
  command: Pick<Command, 'type' | 'commandId'>,
  now: number,
): DedupeEntry | undefined {
  const entries = instance.dedupe;
  const oldest = now - instance.window.ageMs;
  const derived = hasDerivedId(command);
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as DedupeEntry;
    if (sameId(entry, command.commandId, derived)) return entry.at >= oldest ? entry : undefined;
  }
  return undefined;
}

/** Adds or replaces entries, then evicts by age (relative to `at`) and by count, oldest first. */
export function remember(
  current: readonly DedupeEntry[],
  added: readonly DedupeEntry[],
  window: DedupeWindow,
  at: number,
): readonly DedupeEntry[] {
  const oldest = at - window.ageMs;
  const replaced = (entry: DedupeEntry) =>
    added.some((a) => sameId(a, entry.commandId, entry.derived === true));
  const kept = current.filter((entry) => entry.at >= oldest && !replaced(entry));
  if (added.length === 0 && kept.length === current.length && kept.length <= window.count) return current;
  const all = added.length === 0 ? kept : kept.concat(added);
  return all.length > window.count ? all.slice(all.length - window.count) : all;
}
