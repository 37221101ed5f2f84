// The per-instance data keys as services use them: made and wrapped here, stored by the caller in the keys
// topic, found again through a memory cache of unwrapped keys, the keys table, and a Redis cache of wrapped
// ones. The table is authoritative: its tombstone beats any cache, and Redis only fills in for instances the
// table has not read yet (before it caught up, or just after a key was committed). Losing Redis changes nothing.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';
import { DATA_KEY_BYTES, type KeyEncryptionKey } from './key-encryption-key';
import type { KeyLookup } from './key-table';
import {
  decodeKeyRecord,
  encodeKeyRecord,
  keyMessage,
  tombstoneMessage,
  type DataKeyRecord,
} from './keys-topic';
import { LruMap } from './lru-map';
import type { ProducedRecord } from '../kafka/records';

export interface DataKeysOptions {
  readonly kek: KeyEncryptionKey;
  readonly table: KeyLookup;
  readonly logger: Logger;
  /** Without Redis every lookup the memory cache misses goes to the table. */
  readonly redis?: Redis;
  readonly redisPrefix: string;
  readonly topicPrefix: string;
  /** Unwrapped data keys kept in memory; default 10 000. */
  readonly memoryEntries?: number;
  /** A Redis call slower than this counts as a miss; default 250 ms. */
  readonly redisTimeoutMs?: number;
  readonly clock?: () => Date;
}

export interface NewDataKey {
  readonly dataKey: Buffer;
  readonly record: DataKeyRecord;
  /** The keys-topic message to produce, in the same transaction as the first record the key encrypts. */
  readonly message: ProducedRecord;
}

export type ResolvedKey = Buffer | 'erased' | undefined;

/** The Redis hash of wrapped keys of one deployment: field = correlation id, value = the keys record JSON. */
export const dataKeysRedisKey = (redisPrefix: string, topicPrefix: string): string =>
  `${redisPrefix}:keys:${topicPrefix}`;

export class DataKeys {
  private readonly memory: LruMap<string, Buffer>;
  private readonly loading = new Map<string, Promise<ResolvedKey>>();
  private readonly redisKey: string;
  private redisHealthy = true;

  constructor(private readonly options: DataKeysOptions) {
    this.memory = new LruMap(options.memoryEntries ?? 10_000);
    this.redisKey = dataKeysRedisKey(options.redisPrefix, options.topicPrefix);
  }

  /** The id of the KEK new and rewrapped keys are wrapped with; records naming another one want `rewrap`. */
  get currentKekId(): string {
    return this.options.kek.id;
  }

  /**
   * The instance's data key, 'erased' after a tombstone, or undefined when no key is known (yet: the table may
   * still be catching up; `KeyTable.waitFor` can wait for it). Throws when the table's record does not unwrap.
   */
  async resolve(correlationId: string): Promise<ResolvedKey> {
    if (this.options.table.lookup(correlationId)?.kind === 'erased') {
      this.memory.delete(correlationId);
      return 'erased';
    }
    const cached = this.memory.get(correlationId);
    if (cached !== undefined) return cached;
    const loading = this.loading.get(correlationId) ?? this.load(correlationId);
    this.loading.set(correlationId, loading);
    try {
      return await loading;
    } finally {
      this.loading.delete(correlationId);
    }
  }

  /** A fresh key for a new instance. Nothing is cached: the key only exists once its message commits. */
  async newDataKey(correlationId: string): Promise<NewDataKey> {
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const wrapped = await this.options.kek.wrap(dataKey, correlationId);
    const record: DataKeyRecord = { ...wrapped, createdAt: this.now() };
    return { dataKey, record, message: keyMessage(correlationId, record) };
  }

  /** Caches a key whose record has committed, in memory and (wrapped) in Redis. */
  async remember(correlationId: string, record: DataKeyRecord, dataKey: Buffer): Promise<void> {
    this.memory.set(correlationId, dataKey);
    await this.redisCall('hset', (redis) =>
      redis.hset(this.redisKey, correlationId, encodeKeyRecord(record)),
    );
  }

  /** The message that erases the instance's key; after it commits, call `forget`. */
  tombstone(correlationId: string): ProducedRecord {
    return tombstoneMessage(correlationId);
  }

  /** Drops the key from memory and Redis. Redis failures are logged, not thrown: the table's tombstone decides. */
  async forget(correlationId: string): Promise<void> {
    this.memory.delete(correlationId);
    await this.redisCall('hdel', (redis) => redis.hdel(this.redisKey, correlationId));
  }

  /** The same data key wrapped by the current KEK (KEK rotation); produce it as the instance's new record. */
  async rewrap(correlationId: string, record: DataKeyRecord): Promise<DataKeyRecord> {
    const dataKey = await this.options.kek.unwrap(record, correlationId);
    const wrapped = await this.options.kek.wrap(dataKey, correlationId);
    return { ...wrapped, createdAt: record.createdAt };
  }

  private async load(correlationId: string): Promise<ResolvedKey> {
    const known = this.options.table.lookup(correlationId);
    const dataKey =
      known?.kind === 'key'
        ? await this.options.kek.unwrap(known, correlationId)
        : await this.fromRedis(correlationId);
    if (dataKey === undefined) return undefined;
    // The table may have read a tombstone while the key was being unwrapped.
    if (this.options.table.lookup(correlationId)?.kind === 'erased') return 'erased';
    this.memory.set(correlationId, dataKey);
    return dataKey;
  }

  /** A Redis entry that cannot be read or unwrapped is a miss, never an error: the table is the truth. */
  private async fromRedis(correlationId: string): Promise<Buffer | undefined> {
    const text = await this.redisCall('hget', (redis) => redis.hget(this.redisKey, correlationId));
    if (text === undefined || text === null) return undefined;
    try {
      return await this.options.kek.unwrap(decodeKeyRecord(text), correlationId);
    } catch (error) {
      this.options.logger.warn({ err: error, correlationId }, 'ignored an unusable cached data key');
      return undefined;
    }
  }

  private async redisCall<T>(operation: string, call: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    const redis = this.options.redis;
    if (redis === undefined) return undefined;
    const timeoutMs = this.options.redisTimeoutMs ?? 250;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const result = await Promise.race([call(redis), timeout]);
      this.redisAnswered(true, operation);
      return result;
    } catch (error) {
      this.redisAnswered(false, operation, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs when the Redis cache stops or starts answering, not on every call. */
  private redisAnswered(healthy: boolean, operation: string, error?: unknown): void {
    if (healthy === this.redisHealthy) return;
    this.redisHealthy = healthy;
    if (healthy) this.options.logger.info({ operation }, 'data key cache in Redis answers again');
    else
      this.options.logger.warn(
        { err: error, operation },
        'data key cache in Redis unavailable; using the keys table',
      );
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }
}
