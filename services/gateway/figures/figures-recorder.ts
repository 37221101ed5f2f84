// Adds each transition the projection folds to the figures of its minute and its hour. It runs before the search
// index takes the transition, so the index still holds the instance as it was: its state, status and the time it
// got there. Only a newly folded record counts: a redelivered one (already folded) adds nothing.
import type { Redis } from 'ioredis';
import type { ProjectedRecord } from '../projection/transitions-projection';
import type { InstanceIndex } from '../search/instance-index';
import { BUCKET_TTL_S, type FigureKeys } from './figure-keys';
import { bucketOf, type BucketSize } from './figure-window';
import { transitionIncrements } from './transition-increments';

const SIZES: readonly BucketSize[] = ['minute', 'hour'];

export class FiguresRecorder {
  constructor(
    private readonly redis: Redis,
    private readonly keys: FigureKeys,
    private readonly index: InstanceIndex,
  ) {}

  async follow({ record, result }: ProjectedRecord): Promise<void> {
    if (result.kind !== 'applied' || record.kind !== 'transition') return;
    const before = await this.index.summary(record.correlationId);
    await this.add(record.workflow, record.version, record.at, transitionIncrements(record, before));
  }

  /** Adds `increments` to the minute and the hour of `at`: what the benchmark loads its figures with too. */
  async add(
    workflow: string,
    version: number,
    at: number,
    increments: ReadonlyMap<string, number>,
  ): Promise<void> {
    if (increments.size === 0) return;
    const multi = this.redis.multi();
    for (const size of SIZES) {
      const key = this.keys.bucket(workflow, version, size, bucketOf(at, size));
      for (const [name, n] of increments) multi.hincrby(key, name, n);
      multi.expire(key, BUCKET_TTL_S[size]);
    }
    for (const [error] of (await multi.exec()) ?? []) if (error !== null) throw error;
  }
}
