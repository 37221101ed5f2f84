// `statewright versions` as text: the rule, one line per version, and live instances per state.
import { ruleText, versionsTable } from './versions-table';

test('each version on a line with its live count, oldest instance, share of new starts and retirement', () => {
  const text = versionsTable({
    workflow: 'order-saga',
    rollout: { kind: 'pinned', version: 2 },
    versions: [
      {
        version: 1,
        live: 0,
        byState: {},
        oldest: null,
        startShare: 0,
        receivesStarts: false,
        retirable: true,
      },
      {
        version: 2,
        live: 3,
        byState: { reserving: 1, validating: 2 },
        oldest: { correlationId: 'order-7', startedAt: Date.UTC(2026, 0, 1) },
        startShare: 100,
        receivesStarts: true,
        retirable: false,
      },
    ],
  });
  expect(text.split('\n')).toEqual([
    'order-saga (new instances: pinned to 2)',
    'VERSION  LIVE  OLDEST LIVE  STARTED                   NEW STARTS  RETIRABLE',
    '1        0     -            -                         none        yes',
    '2        3     order-7      2026-01-01T00:00:00.000Z  100%        no',
    '  v2 live by state: reserving 1, validating 2',
  ]);
});

test('the rule in words', () => {
  expect(ruleText(null)).toBe('newest version');
  expect(ruleText({ kind: 'latest' })).toBe('newest version');
  expect(ruleText({ kind: 'canary', stable: 1, canary: 2, percent: 5 })).toBe('canary 2 at 5%, stable 1');
});
