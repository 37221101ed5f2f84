// SnapshotStore: per partition, a Redis hash of instances (field = correlationId) and a meta hash with the
// transitions offset the instances reflect. Writes are atomic and never move the offset backwards, and a writer
// that finds its earlier snapshot gone (Redis lost its data) is told so rather than writing a partial one.
import type { Redis } from 'ioredis';
import { NO_HEALTH, type Instance, type PartitionHealth } from '../../core';
import { SnapshotError } from './snapshot-error';
import { snapshotKeys, type SnapshotKeys } from './snapshot-keys';

/**
 * KEYS: instances, meta. ARGV: offset, whether a snapshot must already exist ('1'/'0'), the partition's health
 * as JSON ('' leaves it), number of puts, puts as field/value pairs, then fields to delete. Returns 1 written,
 * 0 stale, -1 lost (expected snapshot missing).
 */
const SAVE_SCRIPT = `
local current = redis.call('HGET', KEYS[2], 'offset')
local offset = tonumber(ARGV[1])
if not current and ARGV[2] == '1' then return -1 end
if current and tonumber(current) > offset then return 0 end
local puts = tonumber(ARGV[4])
for i = 0, puts - 1 do redis.call('HSET', KEYS[1], ARGV[5 + 2 * i], ARGV[6 + 2 * i]) end
for i = 5 + 2 * puts, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], 'health', ARGV[3]) end
redis.call('HSET', KEYS[2], 'offset', ARGV[1])
return 1
`;

export interface SnapshotWrite {
  /** Offset of the last transitions record the written instances reflect. */
  readonly offset: number;
  /** The write adds to a snapshot this writer made before: if that one is gone, nothing is written. */
  readonly incremental?: boolean;
  readonly put: readonly (readonly [string, string])[];
  readonly remove: readonly string[];
  /** The partition's health state at `offset`, when it changed since the last write. */
  readonly health?: PartitionHealth;
}

export interface Snapshot {
  readonly instances: Map<string, Instance>;
  /** Offset of the last transitions record reflected; null when no snapshot exists. */
  readonly offset: number | null;
  /** The partition's health state at `offset`. */
  readonly health: PartitionHealth;
}

const SCAN_COUNT = 1000;
const LOAD_ATTEMPTS = 5;

type SaveCommand = (instances: string, meta: string, args: readonly string[]) => Promise<number>;

export class SnapshotStore {
  private readonly save: SaveCommand;

  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    private readonly topicPrefix: string,
  ) {
    redis.defineCommand('statewrightSaveSnapshot', { numberOfKeys: 2, lua: SAVE_SCRIPT });
    const command = (redis as unknown as { statewrightSaveSnapshot: SaveCommand }).statewrightSaveSnapshot;
    this.save = command.bind(redis);
  }

  keys(partition: number): SnapshotKeys {
    return snapshotKeys(this.redisPrefix, this.topicPrefix, partition);
  }

  /**
   * `written`; `stale` when the stored snapshot is already at a later offset (another writer); `lost` when an
   * incremental write finds no snapshot to add to. Nothing is changed unless `written`.
   */
  async write(partition: number, write: SnapshotWrite): Promise<'written' | 'stale' | 'lost'> {
    const keys = this.keys(partition);
    const health = write.health === undefined ? '' : JSON.stringify(write.health);
    const args = [
      String(write.offset),
      write.incremental === true ? '1' : '0',
      health,
      String(write.put.length),
    ];
    for (const [field, value] of write.put) args.push(field, value);
    for (const field of write.remove) args.push(field);
    // One array argument, which ioredis flattens: spread into the call, the 10^5 arguments of a partition
    // written in full (after a restore from the log alone) overflow the stack.
    const result = await this.save(keys.instances, keys.meta, args);
    return result === 1 ? 'written' : result === -1 ? 'lost' : 'stale';
  }

  /** Scans the hash; a write landing during the scan is detected by the offset moving, and the scan is redone. */
  async load(partition: number): Promise<Snapshot> {
    const keys = this.keys(partition);
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      const before = await this.offsetOf(keys);
      const instances = await this.scan(keys);
      const health = await this.healthOf(keys);
      if ((await this.offsetOf(keys)) === before) return { instances, offset: before, health };
    }
    throw new SnapshotError(`snapshot of partition ${partition} kept changing while it was read`);
  }

  async clear(partition: number): Promise<void> {
    const keys = this.keys(partition);
    await this.redis.del(keys.instances, keys.meta);
  }

  private async offsetOf(keys: SnapshotKeys): Promise<number | null> {
    const raw = await this.redis.hget(keys.meta, 'offset');
    if (raw === null) return null;
    const offset = Number(raw);
    if (!Number.isSafeInteger(offset)) throw new SnapshotError(`snapshot offset ${raw} is not an integer`);
    return offset;
  }

  private async healthOf(keys: SnapshotKeys): Promise<PartitionHealth> {
    const raw = await this.redis.hget(keys.meta, 'health');
    if (raw === null) return NO_HEALTH;
    try {
      return JSON.parse(raw) as PartitionHealth;
    } catch (error) {
      throw new SnapshotError('snapshot health is not JSON', { cause: error });
    }
  }

  private async scan(keys: SnapshotKeys): Promise<Map<string, Instance>> {
    const instances = new Map<string, Instance>();
    let cursor = '0';
    do {
      const [next, entries] = await this.redis.hscan(keys.instances, cursor, 'COUNT', SCAN_COUNT);
      for (let i = 0; i + 1 < entries.length; i += 2) {
        instances.set(entries[i] as string, parseInstance(entries[i] as string, entries[i + 1] as string));
      }
      cursor = next;
    } while (cursor !== '0');
    return instances;
  }
}

function parseInstance(field: string, json: string): Instance {
  try {
    return JSON.parse(json) as Instance;
  } catch (error) {
    throw new SnapshotError(`snapshot of ${field} is not JSON`, { cause: error });
  }
}
