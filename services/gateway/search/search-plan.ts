// Turns a filter and the caller's workflow scope into the index keys a search reads: the fewest, most specific
// sets (a workflow+version+state set rather than three to intersect), the sorted set the page is ordered by, and
// the time range of each. Pure, so the choice is tested without Redis.
import type { IndexKeys } from './index-keys';
import type { SearchFilter, SearchSort, TimeRange } from './search-query';

export type SearchPlan =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'read';
      /** The sorted set ordering the answer (a filter's own when it has one), and its time range. */
      readonly sorted: { readonly key: string; readonly range: TimeRange };
      /** The other time's sorted set, when the filter bounds it. */
      readonly other?: { readonly key: string; readonly range: TimeRange };
      /** Further sorted sets the instance must be in, every one of them. */
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
  const bases: string[] = [];
  if (workflow === undefined) {
    if (state !== undefined) bases.push(keys.state(state));
    if (status !== undefined) bases.push(keys.status(status));
  } else {
    if (state !== undefined) bases.push(keys.state(state, workflow, version));
    if (status !== undefined) bases.push(keys.status(status, workflow, version));
    if (bases.length === 0)
      bases.push(version === undefined ? keys.workflow(workflow) : keys.version(workflow, version));
  }
  // A scoped caller's own workflow filter already keeps it inside its scope; without one, its scope is the filter.
  const [first, ...sets] = bases.map((set) => keys.sortedBy(set, sort));
  const anyOf =
    workflow === undefined && scope !== null ? scope.map((w) => keys.sortedBy(keys.workflow(w), sort)) : [];
  const [range, other] =
    sort === 'updated'
      ? [filter.updated, { key: keys.started, range: filter.started }]
      : [filter.started, { key: keys.updated, range: filter.updated }];
  const bounded = other.range.from !== undefined || other.range.to !== undefined;
  const global = sort === 'updated' ? keys.updated : keys.started;
  return {
    kind: 'read',
    sorted: { key: first ?? global, range },
    ...(bounded ? { other } : {}),
    sets,
    anyOf,
    ...(filter.idPrefix === undefined ? {} : { idPrefix: filter.idPrefix }),
  };
}
