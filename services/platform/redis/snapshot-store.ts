// SnapshotStore: per partition, a Redis hash of instances (field = correlationId, value as `snapshot-record`
// encodes it) and a meta hash with the transitions offset the instances reflect. Writes are atomic and never move
// the offset backwards, and a writer that finds its earlier snapshot gone (Redis lost its data) is told so rather
// than writing a partial one.
// A write too large for one Redis call is staged in bounded calls to keys of its own, then applied by one script.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { NO_HEALTH, type Instance, type PartitionHealth } from '../../core';
import { SnapshotError } from './snapshot-error';
import { decodeSnapshotRecord, readSnapshotRecord, type StoredInstance } from './snapshot-record';
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

/**
 * KEYS: instances, meta, staged puts (a hash), staged removals (a set). ARGV: offset, whether a snapshot must
 * already exist, health as for SAVE_SCRIPT, then how many puts and removals were staged. Moves the staged changes
 * into the snapshot in one step, so a reader sees all of them or none; the staging keys are deleted either way.
 * Returns as SAVE_SCRIPT, or -2 when the staging keys do not hold what was staged (they expired).
 */
const APPLY_STAGED_SCRIPT = `
local current = redis.call('HGET', KEYS[2], 'offset')
local offset = tonumber(ARGV[1])
local result = 1
if not current and ARGV[2] == '1' then result = -1
elseif current and tonumber(current) > offset then result = 0
elseif redis.call('HLEN', KEYS[3]) ~= tonumber(ARGV[4]) or redis.call('SCARD', KEYS[4]) ~= tonumber(ARGV[5]) then
  result = -2
end
if result == 1 and redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[4]) == 0 then
  -- A first snapshot, or one written again after Redis lost it: the staged hash becomes the snapshot as it is.
  if redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('RENAME', KEYS[3], KEYS[1])
    redis.call('PERSIST', KEYS[1])
  end
elseif result == 1 then
  local cursor = '0'
  repeat
    local page = redis.call('HSCAN', KEYS[3], cursor, 'COUNT', 1000)
    cursor = page[1]
    local entries = page[2]
    for i = 1, #entries, 2 do redis.call('HSET', KEYS[1], entries[i], entries[i + 1]) end
  until cursor == '0'
  cursor = '0'
  repeat
    local page = redis.call('SSCAN', KEYS[4], cursor, 'COUNT', 1000)
    cursor = page[1]
    for _, field in ipairs(page[2]) do redis.call('HDEL', KEYS[1], field) end
  until cursor == '0'
end
if result == 1 then
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], 'health', ARGV[3]) end
  redis.call('HSET', KEYS[2], 'offset', ARGV[1])
end
redis.call('DEL', KEYS[3], KEYS[4])
return result
`;

/**
 * The most one Redis call of a write may carry (bytes counted as string lengths, far enough below the server's
 * limit for any encoding). Older Redis servers refuse a command of more than 1,048,576
 * arguments, and every Redis closes a client whose query buffer passes client-query-buffer-limit (1 GiB by
 * default), so a partition of half a million instances or more, written in full, does not go as one call.
 */
export interface SnapshotCallLimits {
  readonly maxArguments: number;
  readonly maxBytes: number;
}

export const DEFAULT_CALL_LIMITS: SnapshotCallLimits = { maxArguments: 200_000, maxBytes: 64 * 1024 * 1024 };

/** Staged changes of a write that died half way expire rather than stay in Redis. */
const STAGING_TTL_MS = 10 * 60_000;

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

export interface Snapshot<T = Instance> {
  readonly instances: Map<string, T>;
  /** Offset of the last transitions record reflected; null when no snapshot exists. */
  readonly offset: number | null;
  /** The partition's health state at `offset`. */
  readonly health: PartitionHealth;
}

const SCAN_COUNT = 2000;
const LOAD_ATTEMPTS = 5;

type SaveCommand = (instances: string, meta: string, args: readonly string[]) => Promise<number>;
type ApplyStagedCommand = (
  instances: string,
  meta: string,
  puts: string,
  removals: string,
  args: readonly string[],
) => Promise<number>;

export class SnapshotStore {
  private readonly save: SaveCommand;
  private readonly applyStaged: ApplyStagedCommand;

  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    private readonly topicPrefix: string,
    private readonly limits: SnapshotCallLimits = DEFAULT_CALL_LIMITS,
  ) {
    redis.defineCommand('statewrightSaveSnapshot', { numberOfKeys: 2, lua: SAVE_SCRIPT });
    redis.defineCommand('statewrightApplyStagedSnapshot', { numberOfKeys: 4, lua: APPLY_STAGED_SCRIPT });
    const commands = redis as unknown as {
      statewrightSaveSnapshot: SaveCommand;
      statewrightApplyStagedSnapshot: ApplyStagedCommand;
    };
    this.save = commands.statewrightSaveSnapshot.bind(redis);
    this.applyStaged = commands.statewrightApplyStagedSnapshot.bind(redis);
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
    const head = [String(write.offset), write.incremental === true ? '1' : '0', health];
    const result = this.fitsOneCall(write, health)
      ? await this.save(keys.instances, keys.meta, [...head, ...flatten(write)])
      : await this.writeStaged(keys, write, head);
    if (result === -2)
      throw new SnapshotError(`staged snapshot of partition ${partition} expired before it applied`);
    return result === 1 ? 'written' : result === -1 ? 'lost' : 'stale';
  }

  private fitsOneCall(write: SnapshotWrite, health: string): boolean {
    const args = 2 * write.put.length + write.remove.length;
    if (args > this.limits.maxArguments) return false;
    let bytes = health.length;
    for (const [field, value] of write.put) bytes += field.length + value.length;
    for (const field of write.remove) bytes += field.length;
    return bytes <= this.limits.maxBytes;
  }

  /**
   * Stages puts and removals in calls within the limits, to keys of this write alone (in the partition's hash
   * slot, expiring if the writer dies), then applies them with one script: readers never see a part of them.
   */
  private async writeStaged(
    keys: SnapshotKeys,
    write: SnapshotWrite,
    head: readonly string[],
  ): Promise<number> {
    const id = randomUUID();
    const staged = {
      puts: `${keys.instances}:staged:${id}:puts`,
      removals: `${keys.instances}:staged:${id}:removals`,
    };
    // Arguments go as arrays, never spread into a call: 10^5 of them overflow the stack.
    for (const chunk of chunks(write.put, this.limits, (entry) => entry[0].length + entry[1].length, 2)) {
      const args: string[] = [staged.puts];
      for (const [field, value] of chunk) args.push(field, value);
      await this.redis.call('HSET', args);
      await this.redis.pexpire(staged.puts, STAGING_TTL_MS);
    }
    for (const chunk of chunks(write.remove, this.limits, (field) => field.length, 1)) {
      await this.redis.call('SADD', [staged.removals, ...chunk]);
      await this.redis.pexpire(staged.removals, STAGING_TTL_MS);
    }
    const counts = [
      String(new Set(write.put.map(([field]) => field)).size),
      String(new Set(write.remove).size),
    ];
    return this.applyStaged(keys.instances, keys.meta, staged.puts, staged.removals, [...head, ...counts]);
  }

  /**
   * Scans the hash; a write landing during the scan is detected by the offset moving, and the scan is redone.
   * `afterPage` runs after each page is parsed: a load of many instances outlasts a consumer group's session
   * unless its owner heartbeats meanwhile.
   */
  load(partition: number, afterPage?: () => Promise<void>): Promise<Snapshot> {
    return this.read(partition, decodeSnapshotRecord, afterPage);
  }

  /**
   * As `load`, but an instance stored outlined stays a StoredInstance, decoded when its holder first needs it: a
   * restore of many idle instances parses their outlines alone.
   */
  loadStored(
    partition: number,
    afterPage?: () => Promise<void>,
  ): Promise<Snapshot<Instance | StoredInstance>> {
    return this.read(partition, readSnapshotRecord, afterPage);
  }

  private async read<T>(
    partition: number,
    decode: (field: string, record: string) => T,
    afterPage: () => Promise<void> = async () => undefined,
  ): Promise<Snapshot<T>> {
    const keys = this.keys(partition);
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      const before = await this.offsetOf(keys);
      const instances = await this.scan(keys, decode, afterPage);
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

  /** Each page is asked for before the one before it is parsed, so Redis and the parsing work side by side. */
  private async scan<T>(
    keys: SnapshotKeys,
    decode: (field: string, record: string) => T,
    afterPage: () => Promise<void>,
  ): Promise<Map<string, T>> {
    const instances = new Map<string, T>();
    const page = (cursor: string) => this.redis.hscan(keys.instances, cursor, 'COUNT', SCAN_COUNT);
    let pending = page('0');
    for (;;) {
      const [next, entries] = await pending;
      if (next === '0') return parsePage(instances, entries, decode);
      pending = page(next);
      try {
        parsePage(instances, entries, decode);
        await afterPage();
      } catch (error) {
        // The page already asked for is not awaited: its failure, if any, must not go unhandled.
        pending.catch(() => undefined);
        throw error;
      }
    }
  }
}

function parsePage<T>(
  instances: Map<string, T>,
  entries: readonly string[],
  decode: (field: string, record: string) => T,
): Map<string, T> {
  for (let i = 0; i + 1 < entries.length; i += 2) {
    instances.set(entries[i] as string, decode(entries[i] as string, entries[i + 1] as string));
  }
  return instances;
}

/**
 * The number of puts, puts as field/value pairs, then the fields to remove, as one array argument, which ioredis
 * flattens: spread into the call, the 10^5 arguments of a partition written in full overflow the stack.
 */
function flatten(write: SnapshotWrite): string[] {
  const args: string[] = [String(write.put.length)];
  for (const [field, value] of write.put) args.push(field, value);
  for (const field of write.remove) args.push(field);
  return args;
}

/** Consecutive slices of `items`, each within the limits, an item counting `width` arguments and `size` bytes. */
function* chunks<T>(
  items: readonly T[],
  limits: SnapshotCallLimits,
  size: (item: T) => number,
  width: number,
): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    if (
      chunk.length > 0 &&
      ((chunk.length + 1) * width > limits.maxArguments || bytes + itemBytes > limits.maxBytes)
    ) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += itemBytes;
  }
  if (chunk.length > 0) yield chunk;
}
