// Turns a filter and the caller's workflow scope into the index keys a search reads: the fewest, most specific
// sets (a workflow+version+state set rather than three to intersect), the sorted set the page is ordered by, and
// the time range of each. Pure, so the choice is tested without Redis.
import type { IndexKeys } from './index-keys';
import type { SearchFilter, SearchSort, TimeRange } from './search-query';

export type SearchPlan =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'read';
      /** The sorted set ordering the answer, and its range. */
      readonly sorted: { readonly key: string; readonly range: TimeRange };
      /** The other time's sorted set, when the filter bounds it. */
      readonly other?: { readonly key: string; readonly range: TimeRange };
      /** Sets the instance must be in, every one of them. */
      readonly sets: readonly string[];
      /** Sets the instance must be in, one of them at least (a scoped caller's workflows); empty: no such rule. */
      readonly anyOf: readonly string[];
      readonly idPrefix?: string;
    };

/** `scope` is the caller's workflows, or `null` for a caller who sees every workflow. */
export function planSearch(
  filter: SearchFilter,
  sort: SearchSort,
  scope: readonly string[] | null,
  keys: IndexKeys,
): SearchPlan {
  const { workflow, version, state, status } = filter;
  if (workflow !== undefined && scope !== null && !scope.includes(workflow)) return { kind: 'empty' };
  if (scope !== null && scope.length === 0) return { kind: 'empty' };
  const sets: string[] = [];
  if (workflow === undefined) {
    if (state !== undefined) sets.push(keys.state(state));
    if (status !== undefined) sets.push(keys.status(status));
  } else {
    if (state !== undefined) sets.push(keys.state(state, workflow, version));
    if (status !== undefined) sets.push(keys.status(status, workflow, version));
    if (sets.length === 0)
      sets.push(version === undefined ? keys.workflow(workflow) : keys.version(workflow, version));
  }
  // A scoped caller's own workflow filter already keeps it inside its scope; without one, its scope is the filter.
  const anyOf = workflow === undefined && scope !== null ? scope.map((w) => keys.workflow(w)) : [];
  const byUpdated = { key: keys.updated, range: filter.updated };
  const byStarted = { key: keys.started, range: filter.started };
  const [sorted, other] = sort === 'updated' ? [byUpdated, byStarted] : [byStarted, byUpdated];
  const bounded = other.range.from !== undefined || other.range.to !== undefined;
  return {
    kind: 'read',
    sorted,
    ...(bounded ? { other } : {}),
    sets,
    anyOf,
    ...(filter.idPrefix === undefined ? {} : { idPrefix: filter.idPrefix }),
  };
}
