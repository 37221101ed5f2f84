// The canary verdict: a canary is judged only after enough of it finished, reverted when its failure rate
// exceeds the stable one by more than the margin, and the revert is one command per rule revision.
import {
  canaryRevert,
  DEFAULT_CANARY_POLICY,
  judgeCanary,
  type FinishedInstance,
  type WorkflowSettings,
} from '../index';

const policy = { windowMs: 60_000, minFinished: 4, margin: 0.1 };
const canaryRule: WorkflowSettings = {
  rollout: { kind: 'canary', stable: 1, canary: 2, percent: 20 },
  dedupe: null,
  revision: 3,
  recent: [],
};
const now = 1_000_000;
const since = now - 30_000;

const ended = (version: number, count: number, status: FinishedInstance['status'], at = now - 1_000) =>
  Array.from({ length: count }, () => ({ version, status, at }));

test('a rule that is no canary is not judged', () => {
  const pinned = { ...canaryRule, rollout: { kind: 'pinned' as const, version: 1 } };
  expect(judgeCanary(pinned, since, ended(2, 9, 'failed'), now, policy)).toEqual({ kind: 'no-canary' });
});

test('fewer finished canary instances than the minimum are only watched, however badly they went', () => {
  const verdict = judgeCanary(canaryRule, since, ended(2, 3, 'failed'), now, policy);
  expect(verdict).toEqual({
    kind: 'watching',
    canary: { version: 2, finished: 3, failed: 3 },
    stable: { version: 1, finished: 0, failed: 0 },
  });
});

test('failed, compensated and timed-out endings count as failures; completed and cancelled do not', () => {
  const finished = [
    ...ended(2, 1, 'failed'),
    ...ended(2, 1, 'compensated'),
    ...ended(2, 1, 'timed_out'),
    ...ended(2, 1, 'cancelled'),
    ...ended(2, 1, 'completed'),
  ];
  const verdict = judgeCanary(canaryRule, since, finished, now, policy);
  expect(verdict).toMatchObject({ kind: 'revert', canary: { finished: 5, failed: 3 } });
});

test('a canary within the margin of the stable rate stays', () => {
  const finished = [...ended(1, 8, 'completed'), ...ended(1, 2, 'failed'), ...ended(2, 7, 'completed')];
  finished.push(...ended(2, 3, 'failed'));
  // 30% against 20%: exactly the margin, which is allowed.
  expect(judgeCanary(canaryRule, since, finished, now, policy).kind).toBe('watching');
  finished.push(...ended(2, 1, 'failed'));
  expect(judgeCanary(canaryRule, since, finished, now, policy).kind).toBe('revert');
});

test('instances that finished before the rule or outside the window do not count', () => {
  const before = ended(2, 9, 'failed', since - 1);
  expect(judgeCanary(canaryRule, since, before, now, policy).kind).toBe('watching');
  const old = ended(2, 9, 'failed', now - policy.windowMs - 1);
  expect(judgeCanary(canaryRule, now - 10 * policy.windowMs, old, now, policy).kind).toBe('watching');
});

test('the revert pins the stable version, is keyed to the revision it reverts and says why', () => {
  const verdict = judgeCanary(canaryRule, since, ended(2, 4, 'failed'), now, policy);
  if (verdict.kind !== 'revert') throw new Error(`expected a revert, got ${verdict.kind}`);
  const command = canaryRevert('order-saga', canaryRule, verdict, now);
  expect(command).toMatchObject({
    commandId: 'canary-revert:order-saga:3',
    correlationId: 'workflow:order-saga',
    actor: 'system:canary',
    expectedSeq: 3,
    rollout: { kind: 'pinned', version: 1 },
  });
  expect(command.reason).toContain('canary version 2 failed 4 of 4 finished instances (100%)');
  expect(command.reason).toContain('stable version 1 0 of 0 (0%)');
  expect(canaryRevert('order-saga', canaryRule, verdict, now + 5).commandId).toBe(command.commandId);
});

test('the defaults wait for twenty finished canary instances within fifteen minutes', () => {
  expect(DEFAULT_CANARY_POLICY).toEqual({ windowMs: 900_000, minFinished: 20, margin: 0.1 });
});
