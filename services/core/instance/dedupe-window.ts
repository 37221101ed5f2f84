// The dedupe window: recent command ids with their signature and outcome, bounded by count and age.
import type { DedupeEntry, DedupeWindow, Instance } from './instance';

export const DEFAULT_DEDUPE_WINDOW: DedupeWindow = { count: 64, ageMs: 24 * 60 * 60 * 1000 };

/** The live entry for `commandId` at `now`; an entry past its age no longer counts even before eviction. */
export function recall(instance: Instance, commandId: string, now: number): DedupeEntry | undefined {
  const entries = instance.dedupe;
  const oldest = now - instance.window.ageMs;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as DedupeEntry;
    if (entry.commandId === commandId) return entry.at >= oldest ? entry : undefined;
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
  const replaced = new Set(added.map((entry) => entry.commandId));
  const kept = current.filter((entry) => entry.at >= oldest && !replaced.has(entry.commandId));
  if (added.length === 0 && kept.length === current.length && kept.length <= window.count) return current;
  const all = added.length === 0 ? kept : kept.concat(added);
  return all.length > window.count ? all.slice(all.length - window.count) : all;
}
