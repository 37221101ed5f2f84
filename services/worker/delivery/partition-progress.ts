// In-order completion of one partition's records: records finish in any order, but the committable offset only
// moves past a record once it and every record before it are done.

export class PartitionProgress {
  /** Offsets started and not yet passed by the watermark, in offset order, with whether each is done. */
  private readonly pending: { offset: bigint; done: boolean }[] = [];
  private committed: bigint | undefined;

  /** Registers the next record; offsets must be given in increasing order. */
  start(offset: string): void {
    this.pending.push({ offset: BigInt(offset), done: false });
  }

  finish(offset: string): void {
    const entry = this.pending.find((candidate) => candidate.offset === BigInt(offset));
    if (entry === undefined) throw new RangeError(`offset ${offset} was not started`);
    entry.done = true;
  }

  /** The last offset whose record and all earlier ones are done, moving the watermark; undefined if none moved. */
  advance(): string | undefined {
    let last: bigint | undefined;
    while (this.pending[0]?.done === true) last = this.pending.shift()!.offset;
    if (last === undefined) return undefined;
    this.committed = last;
    return last.toString();
  }

  /** The offset to commit (the next one to read) for everything passed so far, or undefined before the first. */
  get nextOffset(): string | undefined {
    return this.committed === undefined ? undefined : (this.committed + 1n).toString();
  }

  get inFlight(): number {
    return this.pending.filter((entry) => !entry.done).length;
  }
}
