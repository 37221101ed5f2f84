import { bucketValue, dwellBucket, dwellQuantile } from './dwell-histogram';

describe('dwell histogram', () => {
  test('a bucket stands for its dwells within a fifth', () => {
    for (const ms of [1, 10, 250, 1_000, 65_000, 3_600_000, 86_400_000]) {
      const value = bucketValue(dwellBucket(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThan(0.2);
    }
  });

  test('buckets grow with the dwell', () => {
    expect(dwellBucket(0)).toBe(0);
    expect(dwellBucket(100)).toBeLessThan(dwellBucket(1_000));
  });

  test('the median and the 95th percentile come from the counts', () => {
    const histogram = new Map<number, number>();
    const add = (ms: number, n: number) =>
      histogram.set(dwellBucket(ms), (histogram.get(dwellBucket(ms)) ?? 0) + n);
    add(1_000, 90);
    add(60_000, 10);
    expect(dwellQuantile(histogram, 0.5)).toBe(bucketValue(dwellBucket(1_000)));
    expect(dwellQuantile(histogram, 0.95)).toBe(bucketValue(dwellBucket(60_000)));
  });

  test('no dwells, no quantile', () => {
    expect(dwellQuantile(new Map(), 0.5)).toBeUndefined();
  });
});
