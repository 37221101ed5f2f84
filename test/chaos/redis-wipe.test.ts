// Redis is a cache: wiped in the middle of a run (FLUSHALL) with an orchestrator restarted right
// after, the state is rebuilt from the transitions log and the result is what the core decides.
import { exampleRegistry } from '../harness/examples';
import { checkLogs } from './invariant-checker';
import { chaosScale, runChaos, type ChaosOutcome } from './chaos-run';

const full = chaosScale() === 'full';
const SHIPPING_TIMEOUT_MS = 3_000;
const plan = {
  label: 'redis-wipe',
  orders: full ? 500 : 100,
  orchestrators: 2,
  partitions: 4,
  killsAt: [],
  wipeRedisAt: 0.5,
  duplicateRate: 0.2,
  poison: 0,
  shippingTimeoutMs: SHIPPING_TIMEOUT_MS,
  seed: Number(process.env.CHAOS_SEED ?? 7),
  timeoutMs: full ? 600_000 : 240_000,
};

let outcome: ChaosOutcome;

beforeAll(async () => {
  outcome = await runChaos(plan);
}, plan.timeoutMs * 2);

test('Redis was wiped mid-run', () => {
  expect(outcome.wiped).toBe(true);
});

test('after the wipe every order still ends as the pure fold of its commands says', () => {
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), outcome.commands, outcome.records);
  expect(report.violations).toEqual([]);
  expect(report.instances.size).toBe(plan.orders);
  expect([...report.instances.values()].every((instance) => instance.status !== 'running')).toBe(true);
});
