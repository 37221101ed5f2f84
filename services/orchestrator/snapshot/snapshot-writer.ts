// Write-behind snapshots of one partition: committed changes are marked dirty and written to Redis together,
// at most every `intervalMs` or as soon as `maxDirty` instances wait, with the transitions offset they reflect.
import type { Logger } from '../../platform/logging/logger';
import type { OrchestratorMetrics } from '../metrics/orchestrator-metrics';
import type { Instance } from '../../core';
import { encodeSnapshotRecord } from '../../platform/redis/snapshot-record';
import type { SnapshotStore } from '../../platform/redis/snapshot-store';
import type { PartitionState } from '../partition/partition-state';

/** Instances serialised between two turns of the event loop. */
const YIELD_EVERY = 10_000;

export interface SnapshotPolicy {
  readonly intervalMs: number;
  readonly maxDirty: number;
}

export class SnapshotWriter {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SnapshotStore,
    private readonly partition: number,
    private readonly state: PartitionState,
    private readonly policy: SnapshotPolicy,
    private readonly metrics: OrchestratorMetrics,
    private readonly logger: Logger,
    /** The transitions offset the snapshot in Redis reflects (the one loaded at restore, then each write). */
    private written: number | null = null,
    /** How an instance is stored: its sensitive fields encrypted, when keys are in use. */
    private readonly seal: (instance: Instance) => Promise<Instance> = async (instance) => instance,
  ) {}

  get writtenOffset(): number | null {
    return this.written;
  }

  /** Called after a commit with the correlation ids the batch changed. */
  async committed(changed: Iterable<string>): Promise<void> {
    for (const id of changed) this.dirty.add(id);
    if (this.dirty.size >= this.policy.maxDirty) return this.flush();
    if (this.dirty.size > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.policy.intervalMs);
    }
  }

  /** Writes every dirty instance; writes are serialised so offsets reach Redis in order. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeDirty());
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Redis lost the snapshot this writer added to: write every instance again, as a first snapshot. */
  private rewriteAll(): void {
    this.logger.warn({ partition: this.partition }, 'snapshot missing from Redis: writing it in full');
    this.written = null;
    for (const id of this.state.ids()) this.dirty.add(id);
    this.writing = this.writing.then(() => this.writeDirty());
  }

  /** The payload is taken synchronously from committed state, so instances and offset agree. */
  private async writeDirty(): Promise<void> {
    const offset = this.state.lastOffset;
    const health = this.state.health;
    if (this.dirty.size === 0 || offset === null) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const put: (readonly [string, string])[] = [];
    const remove: string[] = [];
    // An instance still stored is unchanged since it was read: its record is written as it is.
    const taken = ids.map((id) => [id, this.state.storedRecord(id) ?? this.state.get(id)] as const);
    try {
      for (const [index, [id, instance]] of taken.entries()) {
        // A partition written in full (10^5 instances and more) would hold the event loop for seconds, and the
        // consumer's heartbeats with it: the instances were taken above, so batches may commit meanwhile.
        if (index > 0 && index % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        if (instance === undefined) remove.push(id);
        else if (typeof instance === 'string') put.push([id, instance]);
        else put.push([id, encodeSnapshotRecord(await this.seal(instance))]);
      }
      const incremental = this.written !== null;
      const result = await this.store.write(this.partition, { offset, put, remove, incremental, health });
      this.metrics.snapshotWrites.inc({ result: result === 'written' ? 'ok' : result });
      if (result === 'written') this.written = offset;
      if (result === 'lost') this.rewriteAll();
    } catch (error) {
      for (const id of ids) this.dirty.add(id);
      this.metrics.snapshotWrites.inc({ result: 'error' });
      this.logger.error(
        { err: error, partition: this.partition, instances: ids.length },
        'snapshot write failed',
      );
    }
  }
}
