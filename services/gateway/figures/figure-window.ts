// The windows the figures are asked over, and the time buckets that cover each: minutes for the short windows,
// hours for a day, so an answer reads at most 60 small hashes whatever the traffic.

export const WINDOWS = ['5m', '1h', '24h'] as const;

export type FigureWindow = (typeof WINDOWS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export type BucketSize = 'minute' | 'hour';

export interface WindowBuckets {
  readonly size: BucketSize;
  /** Bucket numbers (epoch ms / bucket length), oldest first, the current bucket last. */
  readonly buckets: readonly number[];
  /** The span the buckets cover, from the oldest bucket's start to `now`. */
  readonly spanMs: number;
}

const SHAPE: Readonly<Record<FigureWindow, { size: BucketSize; count: number }>> = {
  '5m': { size: 'minute', count: 5 },
  '1h': { size: 'minute', count: 60 },
  '24h': { size: 'hour', count: 24 },
};

export const bucketLength = (size: BucketSize): number => (size === 'minute' ? MINUTE_MS : HOUR_MS);

export const bucketOf = (at: number, size: BucketSize): number => Math.floor(at / bucketLength(size));

/** The current bucket and the ones before it: the window ends now and starts within its oldest bucket. */
export function windowBuckets(window: FigureWindow, now: number): WindowBuckets {
  const { size, count } = SHAPE[window];
  const current = bucketOf(now, size);
  const buckets = Array.from({ length: count }, (_, i) => current - count + 1 + i);
  const spanMs = now - (current - count + 1) * bucketLength(size);
  return { size, buckets, spanMs };
}
