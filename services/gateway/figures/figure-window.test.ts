import { HOUR_MS, MINUTE_MS, windowBuckets } from './figure-window';

describe('windowBuckets', () => {
  const now = Date.UTC(2026, 0, 1, 10, 30, 15);

  test('five minutes are the current minute and the four before it', () => {
    const window = windowBuckets('5m', now);
    const current = Math.floor(now / MINUTE_MS);
    expect(window).toEqual({
      size: 'minute',
      buckets: [current - 4, current - 3, current - 2, current - 1, current],
      spanMs: 4 * MINUTE_MS + 15_000,
    });
  });

  test('an hour is sixty minute buckets, a day twenty-four hour buckets ending with the current one', () => {
    expect(windowBuckets('1h', now).buckets).toHaveLength(60);
    const day = windowBuckets('24h', now);
    expect(day.size).toBe('hour');
    expect(day.buckets).toHaveLength(24);
    expect(day.buckets.at(-1)).toBe(Math.floor(now / HOUR_MS));
    expect(day.spanMs).toBe(23 * HOUR_MS + 30 * MINUTE_MS + 15_000);
  });
});
