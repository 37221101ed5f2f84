// What one transition adds to the figures of its bucket: one per edge it took (through the states it passed), the
// dwell in the state it left, a start, or the status it finished with.
import type { Transition } from '../../core';
import { dwellBucket } from './dwell-histogram';
import { field } from './figure-keys';

/** The instance as it was before the transition, as far as the figures need it. */
export interface Before {
  readonly state: string;
  readonly status: string;
  readonly updatedAt: number;
}

export function transitionIncrements(
  transition: Transition,
  before: Before | undefined,
): Map<string, number> {
  const increments = new Map<string, number>();
  const add = (name: string) => increments.set(name, (increments.get(name) ?? 0) + 1);
  const { from, via, to, at, status } = transition;
  if (from === null) add(field.flow('start'));
  else {
    const path = [from, ...via];
    // `via` ends with `to` when the transition passed through states on the way; not when it went straight there.
    if (path.at(-1) !== to) path.push(to);
    for (let i = 1; i < path.length; i += 1) add(field.edge(path[i - 1]!, path[i]!));
    if (before !== undefined && before.state === from)
      add(field.dwell(from, dwellBucket(at - before.updatedAt)));
  }
  if (status !== 'running' && before?.status !== status) add(field.flow(status));
  return increments;
}
