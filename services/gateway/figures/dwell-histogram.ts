// Dwell times kept as counts per logarithmic bucket (four per doubling, so a quantile read back is within about
// 19% of the true one): a bucket's count is a hash field that a Redis HINCRBY adds to, and any number of dwells
// costs a bounded number of fields.

const PER_DOUBLING = 4;

/** The bucket of a dwell of `ms` milliseconds (0 for anything under 1 ms). */
export function dwellBucket(ms: number): number {
  return Math.max(0, Math.floor(PER_DOUBLING * Math.log2(Math.max(ms, 0) + 1)));
}

/** The value a bucket stands for: its geometric middle. */
export function bucketValue(bucket: number): number {
  return Math.round(2 ** ((bucket + 0.5) / PER_DOUBLING) - 1);
}

export type DwellHistogram = ReadonlyMap<number, number>;

/** The `q` quantile (0..1) of the dwells counted in `histogram`; undefined when it holds none. */
export function dwellQuantile(histogram: DwellHistogram, q: number): number | undefined {
  const total = [...histogram.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return bucketValue(bucket);
  }
  return undefined;
}
