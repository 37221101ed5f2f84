// Retry policy: bounded attempts, a fixed or capped exponential backoff, and jitter drawn from the run id, so the
// same attempt of the same task always waits the same time (replays and re-decisions agree).
import fc from 'fast-check';
import { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from '../index';
import { mayRetry } from './retry-policy';

const policy = (fields: Partial<RetryPolicy>): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...fields });

test('a fixed backoff waits its ms whatever the attempt when there is no jitter', () => {
  const fixed = policy({ backoff: { kind: 'fixed', ms: 500 }, jitter: 0 });
  expect([1, 2, 5].map((attempt) => retryDelay(fixed, 'w/1/0', attempt))).toEqual([500, 500, 500]);
});

test('an exponential backoff doubles per attempt and stops at its cap', () => {
  const exponential = policy({ backoff: { kind: 'exponential', baseMs: 200, maxMs: 1_000 }, jitter: 0 });
  expect([1, 2, 3, 4, 10].map((attempt) => retryDelay(exponential, 'w/1/0', attempt))).toEqual([
    200, 400, 800, 1_000, 1_000,
  ]);
});

test('jitter shaves at most its share off the backoff, the same for the same task and attempt', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1 }),
      fc.integer({ min: 1, max: 20 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 100_000 }),
      (taskId, attempt, jitter, ms) => {
        const jittered = policy({ backoff: { kind: 'fixed', ms }, jitter });
        const delay = retryDelay(jittered, taskId, attempt);
        expect(delay).toBe(retryDelay(jittered, taskId, attempt));
        expect(delay).toBeLessThanOrEqual(ms);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ms * (1 - jitter)));
      },
    ),
  );
});

test('attempts differ in their jitter: runs of one task do not all wait the same', () => {
  const jittered = policy({ backoff: { kind: 'fixed', ms: 10_000 }, jitter: 1 });
  const delays = new Set(Array.from({ length: 10 }, (_, i) => retryDelay(jittered, 'w/1/0', i + 1)));
  expect(delays.size).toBeGreaterThan(1);
});

test('another attempt follows a retryable failure while attempts remain, never a fatal one or a fatal code', () => {
  const three = policy({ maxAttempts: 3, fatalCodes: ['gone'] });
  const retryable = { kind: 'retryable' as const, code: null };
  expect([1, 2, 3].map((attempt) => mayRetry(three, attempt, retryable))).toEqual([true, true, false]);
  expect(mayRetry(three, 1, { kind: 'fatal', code: null })).toBe(false);
  expect(mayRetry(three, 1, { kind: 'retryable', code: 'gone' })).toBe(false);
  expect(mayRetry(three, 1, { kind: 'retryable', code: 'busy' })).toBe(true);
  expect(mayRetry(policy({ maxAttempts: 1 }), 1, retryable)).toBe(false);
});
