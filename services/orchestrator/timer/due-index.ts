// When each instance's next timer is due, kept so that asking which are due at `now` costs the due ones, not
// every instance: a partition of a million idle instances with 30-day timers is asked five times a second.
// A min-heap of (due time, id) with lazy deletion: an entry is live while the map still holds its time for
// its id; entries left by rescheduled or removed instances are dropped when they surface or at compaction.

export class DueIndex {
  private readonly times = new Map<string, number>();
  /** Heap order on `heapTimes`; `heapIds[i]` is the id of `heapTimes[i]`. */
  private readonly heapTimes: number[] = [];
  private readonly heapIds: string[] = [];
  /**
   * Ids whose live entry has left the heap because it was due: asked about again until they change. `set` and
   * `delete` take an id out, so every id here has a time.
   */
  private readonly overdue = new Set<string>();

  get size(): number {
    return this.times.size;
  }

  set(id: string, dueAt: number): void {
    if (this.times.get(id) === dueAt) return;
    this.times.set(id, dueAt);
    this.overdue.delete(id);
    this.push(dueAt, id);
    if (this.heapTimes.length > 2 * this.times.size + 1024) this.compact();
  }

  delete(id: string): void {
    this.times.delete(id);
    this.overdue.delete(id);
  }

  /** Ids with a due time at or before `now`. */
  dueAt(now: number): string[] {
    while (this.heapTimes.length > 0 && this.heapTimes[0]! <= now) {
      const [time, id] = this.pop();
      if (this.times.get(id) === time) this.overdue.add(id);
    }
    const found: string[] = [];
    for (const id of this.overdue) {
      const time = this.times.get(id)!;
      if (time <= now) {
        found.push(id);
      } else {
        // Asked with an earlier `now` than before (the clock stepped back): not due yet, back to the heap.
        this.overdue.delete(id);
        this.push(time, id);
      }
    }
    return found;
  }

  /** Rebuilds the heap from the live times, dropping the entries stale ones left. */
  private compact(): void {
    this.heapTimes.length = 0;
    this.heapIds.length = 0;
    for (const [id, time] of this.times) if (!this.overdue.has(id)) this.push(time, id);
  }

  private push(time: number, id: string): void {
    const { heapTimes, heapIds } = this;
    let at = heapTimes.length;
    heapTimes.push(time);
    heapIds.push(id);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heapTimes[parent]! <= time) break;
      heapTimes[at] = heapTimes[parent]!;
      heapIds[at] = heapIds[parent]!;
      at = parent;
    }
    heapTimes[at] = time;
    heapIds[at] = id;
  }

  private pop(): [number, string] {
    const { heapTimes, heapIds } = this;
    const top: [number, string] = [heapTimes[0]!, heapIds[0]!];
    const lastTime = heapTimes.pop()!;
    const lastId = heapIds.pop()!;
    const size = heapTimes.length;
    if (size === 0) return top;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && heapTimes[right]! < heapTimes[left]! ? right : left;
      if (heapTimes[child]! >= lastTime) break;
      heapTimes[at] = heapTimes[child]!;
      heapIds[at] = heapIds[child]!;
      at = child;
    }
    heapTimes[at] = lastTime;
    heapIds[at] = lastId;
    return top;
  }
}
