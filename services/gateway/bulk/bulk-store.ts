// A bulk request's instances, kept under its key (as the caller's command id) for as long as idempotency keys
// are: a repeated request acts on the instances the first one found, never on a new search, so it applies once.
import type { Redis } from 'ioredis';

export interface BulkRecord {
  readonly fingerprint: string;
  readonly ids: readonly string[];
}

export type BulkClaim =
  { readonly kind: 'claimed' | 'repeated'; readonly record: BulkRecord } | { readonly kind: 'conflict' };

export class BulkStore {
  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    private readonly ttlSeconds: number,
  ) {}

  /** What `id` holds: undefined for a new key. */
  async find(id: string, fingerprint: string): Promise<BulkClaim | undefined> {
    const stored = await this.redis.get(this.key(id));
    if (stored === null) return undefined;
    const previous = JSON.parse(stored) as BulkRecord;
    return previous.fingerprint === fingerprint
      ? { kind: 'repeated', record: previous }
      : { kind: 'conflict' };
  }

  /** Records the instances under `id` unless a concurrent request did first: then answers what it recorded. */
  async claim(id: string, record: BulkRecord): Promise<BulkClaim> {
    const set = await this.redis.set(this.key(id), JSON.stringify(record), 'EX', this.ttlSeconds, 'NX');
    if (set === 'OK') return { kind: 'claimed', record };
    return (await this.find(id, record.fingerprint)) ?? this.claim(id, record);
  }

  private key(id: string): string {
    return `${this.redisPrefix}:bulk:${id}`;
  }
}
