// The partitions of the commands topic this process owns, kept in step with the group's assignments: newly
// assigned partitions are restored at once (their timers must run even without input), revoked ones are closed.
import { StoredInstanceError } from '../platform/redis/stored-instance-error';
import { PartitionProcessor } from './partition/partition-processor';
import type { ProcessorDeps } from './partition/processor-deps';

export class PartitionAssignment {
  private readonly processors = new Map<number, Promise<PartitionProcessor>>();
  private readonly restored = new Map<number, PartitionProcessor>();
  private readonly busy = new Map<number, Promise<unknown>>();
  /** Per partition, the heartbeat of the last batch that waited for its processor. */
  private readonly heartbeats = new Map<number, () => Promise<void>>();
  /** Partitions one of whose stored instances could not be decoded: their next restore decodes every record. */
  private readonly decodeAll = new Set<number>();

  constructor(private readonly deps: ProcessorDeps) {}

  owned(): number[] {
    return [...this.processors.keys()].sort((a, b) => a - b);
  }

  /** Processors whose restore finished: the timer scheduler reads only these. */
  ready(): Iterable<PartitionProcessor> {
    return this.restored.values();
  }

  /**
   * The partition's processor, restoring it first when needed; concurrent callers share one restore. A batch that
   * waits for a restore holds up its consumer's heartbeats, so the restore heartbeats with the batch's own
   * `heartbeat` (the latest caller's), also when it began at the group join, before any batch. A failed heartbeat
   * does not end the restore: a member that lost its partition is fenced by the new owner.
   */
  processor(partition: number, heartbeat?: () => Promise<void>): Promise<PartitionProcessor> {
    if (heartbeat !== undefined) this.heartbeats.set(partition, heartbeat);
    const existing = this.processors.get(partition);
    if (existing !== undefined) return existing;
    const beat = async () => {
      await this.heartbeats
        .get(partition)?.()
        .catch(() => undefined);
    };
    const decodeAll = this.decodeAll.has(partition);
    const restoring = PartitionProcessor.restore(this.deps, partition, beat, decodeAll).then((processor) => {
      this.decodeAll.delete(partition);
      this.restored.set(partition, processor);
      return processor;
    });
    this.processors.set(partition, restoring);
    restoring.catch((error: unknown) => {
      if (error instanceof StoredInstanceError) this.decodeAll.add(partition);
      if (this.processors.get(partition) === restoring) this.processors.delete(partition);
    });
    return restoring;
  }

  /** Runs `work` as the partition's only in-flight batch, so a revocation waits for it. */
  async exclusive<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const running = work();
    this.busy.set(partition, running);
    try {
      return await running;
    } finally {
      if (this.busy.get(partition) === running) this.busy.delete(partition);
    }
  }

  /** Drops partitions no longer assigned and starts restoring the new ones; answers the restores to wait for. */
  async reassign(assigned: readonly number[]): Promise<void> {
    const keep = new Set(assigned);
    const revoked = this.owned().filter((partition) => !keep.has(partition));
    await Promise.all(revoked.map((partition) => this.release(partition, 'close')));
    await Promise.all(assigned.map((partition) => this.processor(partition)));
  }

  /**
   * close: flush the snapshot and disconnect. discard: after a failure (`cause`) the state is not trusted; when a
   * stored instance could not be decoded, the next restore decodes every record.
   */
  async release(partition: number, how: 'close' | 'discard', cause?: unknown): Promise<void> {
    if (cause instanceof StoredInstanceError) this.decodeAll.add(partition);
    const pending = this.processors.get(partition);
    this.processors.delete(partition);
    this.restored.delete(partition);
    this.heartbeats.delete(partition);
    if (pending === undefined) return;
    // The batch and the restore report their own failures; here only their end matters.
    await this.busy.get(partition)?.catch(() => undefined);
    const processor = await pending.catch(() => undefined);
    if (processor === undefined) return;
    await (how === 'close' ? processor.close() : processor.discard());
  }

  async releaseAll(): Promise<void> {
    await Promise.all(this.owned().map((partition) => this.release(partition, 'close')));
  }
}
