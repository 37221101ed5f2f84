// The single broker of the local stack stopped and started again in the middle of a run: the orchestrators,
// the workers' stand-in and the traffic ride it out, and every order ends as the pure fold of its commands.
// It runs with the broker-failover tests (the cluster project).
import { exampleRegistry } from '../harness/examples';
import { stackService } from '../harness/stack-service';
import { checkLogs } from '../chaos/invariant-checker';
import { chaosScale, runChaos, type ChaosOutcome } from '../chaos/chaos-run';

const full = chaosScale() === 'full';
const SHIPPING_TIMEOUT_MS = 3_000;
let restarted = false;
const plan = {
  label: 'broker-restart',
  orders: full ? 500 : 100,
  orchestrators: 2,
  partitions: 4,
  killsAt: [],
  duplicateRate: 0.2,
  poison: 0,
  shippingTimeoutMs: SHIPPING_TIMEOUT_MS,
  seed: Number(process.env.CHAOS_SEED ?? 5),
  timeoutMs: full ? 600_000 : 240_000,
  disturbances: [
    {
      at: 0.3,
      run: async () => {
        await stackService('stop', 'kafka');
        await stackService('start', 'kafka');
        restarted = true;
      },
    },
  ],
};

let outcome: ChaosOutcome;

beforeAll(async () => {
  outcome = await runChaos(plan);
}, plan.timeoutMs * 2);

test('the broker was stopped and started mid-run', () => {
  expect(restarted).toBe(true);
});

test('across the broker restart nothing is lost or duplicated, every order finishes, and only signals sent before their start are dead letters', () => {
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), outcome.commands, outcome.records);
  expect(report.violations).toEqual([]);
  expect(report.instances.size).toBe(plan.orders);
  expect([...report.instances.values()].every((instance) => instance.status !== 'running')).toBe(true);
  expect(outcome.deadLetters).toHaveLength(report.deadLettered);
});
