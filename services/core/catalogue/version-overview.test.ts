// The versions overview: which versions new instances reach under each rollout rule, and which can be retired.
import { startShares, versionOverview, type LiveInstances } from '../index';

const none = (version: number): LiveInstances => ({ version, live: 0, byState: {}, oldest: null });

test('without a rule, or with latest, every new instance starts on the newest version', () => {
  expect([...startShares(null, [1, 2, 3])]).toEqual([
    [1, 0],
    [2, 0],
    [3, 100],
  ]);
  expect(startShares({ kind: 'latest' }, [1, 2]).get(2)).toBe(100);
});

test('a pin sends every start to its version, a canary splits them', () => {
  expect(startShares({ kind: 'pinned', version: 1 }, [1, 2]).get(1)).toBe(100);
  const canary = startShares({ kind: 'canary', stable: 1, canary: 3, percent: 10 }, [1, 2, 3]);
  expect([...canary]).toEqual([
    [1, 90],
    [2, 0],
    [3, 10],
  ]);
});

test('a version is retirable when nothing is live on it and no start reaches it', () => {
  const live: LiveInstances = {
    version: 1,
    live: 2,
    byState: { validating: 2 },
    oldest: { correlationId: 'o-1', startedAt: 5 },
  };
  const rows = versionOverview({ kind: 'pinned', version: 2 }, [none(3), none(2), live]);
  expect(rows.map((row) => [row.version, row.startShare, row.receivesStarts, row.retirable])).toEqual([
    [1, 0, false, false],
    [2, 100, true, false],
    [3, 0, false, true],
  ]);
  expect(rows[0]).toMatchObject({ live: 2, byState: { validating: 2 }, oldest: { correlationId: 'o-1' } });
});

test('a canary at 0 percent reaches no instance', () => {
  const rows = versionOverview({ kind: 'canary', stable: 1, canary: 2, percent: 0 }, [none(1), none(2)]);
  expect(rows.map((row) => row.retirable)).toEqual([false, true]);
});
