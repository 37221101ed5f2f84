// Redis keys of the instance search index. Each set an instance belongs to (its workflow, version, state, status,
// alone and combined) is kept twice, as sorted sets scored by update and by start time, so a filter naming one of
// them reads a page straight off it by rank. Every key shares the `{search}` hash tag: a filter intersects several of
// them in one script, which Redis Cluster allows only within one slot. Names and states are URI-encoded so that a
// `:` inside a workflow or state name cannot make two keys meet.

import type { SearchSort } from './search-query';

export interface IndexKeys {
  /** Hash: correlation id → JSON document (offset folded and summary), or a tombstone (offset). */
  readonly docs: string;
  /** Sorted set: id scored by `updatedAt`. */
  readonly updated: string;
  /** Sorted set: id scored by `createdAt`. */
  readonly started: string;
  /** Sorted set of every id at score 0, for a lexicographic prefix range. */
  readonly ids: string;
  /** Set once the index holds every instance of the read model (see index-backfill). */
  readonly built: string;
  /** Scratch keys a search script fills and deletes before it returns. */
  readonly scratch: readonly [string, string, string, string];
  workflow(workflow: string): string;
  version(workflow: string, version: number): string;
  state(state: string, workflow?: string, version?: number): string;
  status(status: string, workflow?: string, version?: number): string;
  /** The sorted set of a membership set's ids, scored by the sort's time. */
  sortedBy(set: string, sort: SearchSort): string;
  /** Set of the state names ever indexed for a workflow: the fields of its counts. */
  statesOf(workflow: string): string;
}

export function indexKeys(redisPrefix: string): IndexKeys {
  const base = `${redisPrefix}:{search}`;
  const part = encodeURIComponent;
  const scoped = (kind: string, name: string, workflow?: string, version?: number) => {
    if (workflow === undefined) return `${base}:${kind}:${part(name)}`;
    if (version === undefined) return `${base}:w${kind}:${part(workflow)}:${part(name)}`;
    return `${base}:wv${kind}:${part(workflow)}:${version}:${part(name)}`;
  };
  return {
    docs: `${base}:docs`,
    updated: `${base}:updated`,
    started: `${base}:started`,
    ids: `${base}:ids`,
    built: `${base}:built`,
    scratch: [`${base}:scratch:1`, `${base}:scratch:2`, `${base}:scratch:3`, `${base}:scratch:4`],
    workflow: (workflow) => `${base}:wf:${part(workflow)}`,
    version: (workflow, version) => `${base}:wv:${part(workflow)}:${version}`,
    state: (state, workflow, version) => scoped('state', state, workflow, version),
    status: (status, workflow, version) => scoped('status', status, workflow, version),
    sortedBy: (set, sort) => `${set}:${sort === 'updated' ? 'u' : 's'}`,
    statesOf: (workflow) => `${base}:states-of:${part(workflow)}`,
  };
}
