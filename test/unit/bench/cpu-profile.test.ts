import { selfTimes, type CpuProfile } from '../../../bench/cpu-profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('selfTimes', () => {
  const nodes = [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('decide', 'file:///repo/dist/services/core/decide.js', 9) },
    { id: 3, callFrame: frame('', 'file:///repo/dist/bench/x.js', 0) },
    // The same function reached by another path: its time adds up under one name.
    { id: 4, callFrame: frame('decide', 'file:///repo/dist/services/core/decide.js', 9) },
    { id: 5, callFrame: frame('(idle)') },
  ];

  it('sums the sampled time of each function, most first, from the time deltas, leaving idle time out', () => {
    const profile: CpuProfile = {
      nodes,
      startTime: 0,
      endTime: 20_000,
      samples: [2, 3, 4, 5],
      timeDeltas: [0, 1_000, 2_000, 3_000, 7_000],
    };
    expect(selfTimes(profile, '/repo')).toEqual([
      { function: 'decide (dist/services/core/decide.js:10)', self_ms: 4, self_pct: 66.7 },
      { function: '(anonymous) (dist/bench/x.js:1)', self_ms: 2, self_pct: 33.3 },
    ]);
  });

  it('spreads the profile span over the hit counts when there are no samples', () => {
    const profile: CpuProfile = {
      nodes: [
        { ...nodes[0]!, hitCount: 1 },
        { ...nodes[1]!, hitCount: 3 },
      ],
      startTime: 0,
      endTime: 4_000,
    };
    expect(selfTimes(profile).map((entry) => [entry.function.split(' ')[0], entry.self_ms])).toEqual([
      ['decide', 3],
      ['(root)', 1],
    ]);
  });
});
