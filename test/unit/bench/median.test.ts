import { median } from '../../../bench/bench-rig';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even one, in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([0.4, 0.1, 0.3, 0.2])).toBeCloseTo(0.25);
    expect(median([7])).toBe(7);
  });

  it('leaves unknown values out, and is null when none is known', () => {
    expect(median([null, 5, null, 1, 3])).toBe(3);
    expect(median([null, null])).toBeNull();
    expect(median([])).toBeNull();
  });
});
