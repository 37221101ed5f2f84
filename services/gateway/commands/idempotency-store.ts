// A caller's Idempotency-Key (as the command id derived from it) → the request it was first used for, kept in
// Redis with a TTL. It is claimed with SET NX before anything is published, so of concurrent requests with one
// key exactly one publishes.
import type { Redis } from 'ioredis';
import type { ReadModelKeys } from '../projection/read-model-keys';
import { IdempotencyUnavailableError } from './idempotency-unavailable-error';

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly commandId: string;
  readonly correlationId: string;
  readonly workflow: string;
  /** pending: claimed, not yet acknowledged by Kafka; published: on the commands topic. */
  readonly state: 'pending' | 'published';
  readonly createdAt: number;
}

export type Claim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly record: IdempotencyRecord }
  | { readonly kind: 'conflict'; readonly record: IdempotencyRecord };

/** KEYS: the idempotency key. ARGV: fingerprint. Deletes a pending claim only if it is still this request's. */
const RELEASE_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
if record.fingerprint == ARGV[1] and record.state == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0
`;

type ReleaseCommand = (key: string, fingerprint: string) => Promise<number>;

export class IdempotencyStore {
  private readonly releaseScript: ReleaseCommand;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ReadModelKeys,
    private readonly ttlSeconds: number,
  ) {
    redis.defineCommand('statewrightReleaseIdempotency', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    const command = (redis as unknown as { statewrightReleaseIdempotency: ReleaseCommand })
      .statewrightReleaseIdempotency;
    this.releaseScript = command.bind(redis);
  }

  async claim(key: string, record: IdempotencyRecord): Promise<Claim> {
    const redisKey = this.keys.idempotency(key);
    // A second round only when the key expired between SET and GET; a third cannot be needed.
    for (let round = 0; round < 2; round++) {
      const set = await this.redis.set(redisKey, JSON.stringify(record), 'EX', this.ttlSeconds, 'NX');
      if (set === 'OK') {
        await this.index(record.correlationId, redisKey);
        return { kind: 'claimed' };
      }
      const existing = await this.get(key);
      if (existing === undefined) continue;
      return existing.fingerprint === record.fingerprint
        ? { kind: 'replay', record: existing }
        : { kind: 'conflict', record: existing };
    }
    throw new IdempotencyUnavailableError(key);
  }

  /** Its instance's erasure must find the record: the fingerprint stands for plaintext personal data. */
  private async index(correlationId: string, redisKey: string): Promise<void> {
    const of = this.keys.idempotencyOf(correlationId);
    await this.redis.multi().sadd(of, redisKey).expire(of, this.ttlSeconds).exec();
  }

  async markPublished(key: string, record: IdempotencyRecord): Promise<void> {
    const published: IdempotencyRecord = { ...record, state: 'published' };
    await this.redis.set(this.keys.idempotency(key), JSON.stringify(published), 'KEEPTTL', 'XX');
  }

  /** Gives a claim back after publishing failed, so the client's retry can publish. */
  async release(key: string, fingerprint: string): Promise<void> {
    await this.releaseScript(this.keys.idempotency(key), fingerprint);
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const raw = await this.redis.get(this.keys.idempotency(key));
    return raw === null ? undefined : (JSON.parse(raw) as IdempotencyRecord);
  }
}
