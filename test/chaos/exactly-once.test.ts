// Exactly-once under crashes: several orchestrator processes in one group, duplicated and
// out-of-order commands with poison among them, and kill -9 of a random orchestrator again and
// again. The committed logs must then be exactly what the pure core decides for the committed input.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exampleRegistry } from '../harness/examples';
import { repoRoot } from '../harness/infrastructure';
import { checkLogs, repeatedDeadLetters } from './invariant-checker';
import { chaosScale, runChaos, type ChaosOutcome } from './chaos-run';

const full = chaosScale() === 'full';
const SHIPPING_TIMEOUT_MS = 3_000;
const plan = {
  label: 'exactly-once',
  orders: full ? 1_000 : 150,
  orchestrators: 3,
  partitions: 6,
  killsAt: full ? [0.05, 0.15, 0.3, 0.45, 0.6, 0.75] : [0.1, 0.25, 0.4, 0.55, 0.7],
  trafficSpreadMs: full ? 150_000 : 60_000,
  duplicateRate: 0.2,
  poison: full ? 40 : 12,
  shippingTimeoutMs: SHIPPING_TIMEOUT_MS,
  seed: Number(process.env.CHAOS_SEED ?? 20261125),
  timeoutMs: full ? 600_000 : 240_000,
};

let outcome: ChaosOutcome;

beforeAll(async () => {
  outcome = await runChaos(plan);
}, plan.timeoutMs * 2);

test('the run had the disturbances and the volume it promised', () => {
  expect(outcome.kills).toBeGreaterThanOrEqual(plan.killsAt.length);
  const commands = [...outcome.commands.values()].reduce((sum, list) => sum + list.length, 0);
  expect(commands).toBeGreaterThanOrEqual(full ? 10_000 : 1_500);
  process.stdout.write(
    `chaos exactly-once: ${commands} commands, ${plan.orders} orders, ${outcome.kills} kills, ${outcome.elapsedMs} ms\n`,
  );
  writeFailover();
});

/**
 * Failover figures (a measure, not an assertion: how long partitions stall depends on the machine). Each kill
 * hits a settled group, so each figure is one failover, not the sum of overlapping ones.
 */
function writeFailover(): void {
  const sorted = [...outcome.failoverMs].sort((a, b) => a - b);
  const figures = {
    kills: outcome.kills,
    measured: sorted.length,
    p50_ms: sorted[Math.floor((sorted.length - 1) / 2)] ?? null,
    max_ms: sorted.at(-1) ?? null,
    all_ms: sorted,
    scale: full ? 'full' : 'reduced',
  };
  mkdirSync(path.join(repoRoot, 'test-results', 'chaos'), { recursive: true });
  writeFileSync(
    path.join(repoRoot, 'test-results', 'chaos', 'failover.json'),
    `${JSON.stringify(figures)}\n`,
  );
  process.stdout.write(
    `chaos failover: p50 ${figures.p50_ms} ms, max ${figures.max_ms} ms over ${sorted.length} of ${outcome.kills} kills\n`,
  );
}

test('the committed records are exactly what the pure core decides for the committed commands', () => {
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), outcome.commands, outcome.records);
  expect(report.violations).toEqual([]);
  expect(report.instances.size).toBe(plan.orders);
  const statuses = new Set([...report.instances.values()].map((instance) => instance.status));
  expect(statuses).toEqual(new Set(['completed', 'compensated', 'cancelled', 'timed_out']));
});

test('the DLQ holds every poison record and every signal sent before its start, and nothing else', () => {
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), outcome.commands, outcome.records);
  expect(report.deadLettered).toBeGreaterThan(plan.poison);
  expect(repeatedDeadLetters(outcome.deadLetters)).toEqual([]);
  expect(outcome.deadLetters).toHaveLength(report.deadLettered);
});
