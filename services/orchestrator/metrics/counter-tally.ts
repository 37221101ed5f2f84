// Counts a batch's labelled increments in memory and adds them to their counter once per label set: a batch's
// commands, transitions and tasks share a few label sets, and each increment of a prom-client counter hashes and
// checks its labels anew.
import type { Counter } from 'prom-client';

export class CounterTally<L extends string> {
  private readonly counts = new Map<string, { readonly labels: Record<L, string>; count: number }>();

  constructor(
    private readonly counter: Counter<L>,
    private readonly names: readonly L[],
  ) {}

  add(labels: Record<L, string>): void {
    // Each value after its length: no two label sets share a key, whatever their values hold.
    let key = '';
    for (const name of this.names) key += `${labels[name].length}:${labels[name]}`;
    const entry = this.counts.get(key);
    if (entry === undefined) this.counts.set(key, { labels, count: 1 });
    else entry.count += 1;
  }

  /** Adds every count to the counter and starts again from none. */
  flush(): void {
    for (const { labels, count } of this.counts.values()) this.counter.inc(labels, count);
    this.counts.clear();
  }
}
