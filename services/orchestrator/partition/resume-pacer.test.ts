// The resume pacer lets a rate-limited type through at its rate: a second's burst at most, then as time passes.
import { ResumePacer } from './resume-pacer';

test('at 2 per second: a burst of 2, then one more every half second, never more than asked', () => {
  const pacer = new ResumePacer();
  expect(pacer.take('ship', 10, 2, 0)).toBe(2);
  expect(pacer.take('ship', 10, 2, 100)).toBe(0);
  expect(pacer.take('ship', 10, 2, 500)).toBe(1);
  expect(pacer.take('ship', 10, 2, 10_000)).toBe(2);
  expect(pacer.take('ship', 1, 2, 20_000)).toBe(1);
});

test('a share below one per second lets one through once a whole token has filled', () => {
  const pacer = new ResumePacer();
  expect(pacer.take('ship', 5, 0.5, 0)).toBe(1);
  expect(pacer.take('ship', 5, 0.5, 1_000)).toBe(0);
  expect(pacer.take('ship', 5, 0.5, 2_000)).toBe(1);
});
