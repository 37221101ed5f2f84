// The network between the services and the broker disturbed mid-run, through a TCP proxy: the orchestrators
// and the task responder reach Kafka only through it (the broker's proxied listener advertises the proxy's
// port), while the run's own reads go direct. Added latency, connections cut in the middle of transactions,
// then every byte stalled for a while: nothing is lost or duplicated, every order finishes, and the
// transactions the faults aborted are counted.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exampleRegistry } from '../harness/examples';
import { repoRoot } from '../harness/infrastructure';
import { endpoints } from '../harness/namespace';
import { TcpProxy } from '../harness/tcp-proxy';
import type { ChaosRig } from './chaos-rig';
import { checkLogs } from './invariant-checker';
import { chaosScale, runChaos, type ChaosOutcome } from './chaos-run';

const full = chaosScale() === 'full';
const SHIPPING_TIMEOUT_MS = 3_000;
/** How long all traffic is held in the stall: the fault's length, not a wait for anything. */
const STALL_MS = 8_000;

/** The single broker's proxied listener is KAFKA_PORT + 10, advertised as KAFKA_PORT + 11 (stack.sh). */
const brokerPort = Number(endpoints().kafkaBrokers.split(',')[0]!.split(':').at(-1));
let proxy: TcpProxy;
const aborts = { count: 0 };

/** Counts the orchestrators' aborted batch transactions from their log lines. */
function countAborts(rig: ChaosRig): void {
  for (const service of rig.fleet.list()) {
    service.child.stdout!.on('data', (chunk: Buffer) => {
      aborts.count += chunk.toString('utf8').split('batch transaction failed').length - 1;
    });
  }
}

const plan = {
  label: 'network-faults',
  orders: full ? 400 : 100,
  orchestrators: 2,
  partitions: 4,
  killsAt: [],
  duplicateRate: 0.2,
  poison: 0,
  shippingTimeoutMs: SHIPPING_TIMEOUT_MS,
  seed: Number(process.env.CHAOS_SEED ?? 17),
  timeoutMs: full ? 600_000 : 300_000,
  serviceBrokers: `127.0.0.1:${brokerPort + 11}`,
  disturbances: [
    {
      at: 0.1,
      run: async (rig: ChaosRig) => {
        countAborts(rig);
        proxy.delayMs = 20;
      },
    },
    ...[0.3, 0.4, 0.5].map((at) => ({ at, run: async () => proxy.cut() })),
    {
      at: 0.6,
      run: async () => {
        proxy.stall();
        await new Promise((resolve) => setTimeout(resolve, STALL_MS));
        proxy.resume();
        proxy.delayMs = 0;
      },
    },
  ],
};

let outcome: ChaosOutcome;

beforeAll(async () => {
  proxy = await TcpProxy.start('127.0.0.1', brokerPort + 10, brokerPort + 11);
  try {
    outcome = await runChaos(plan);
  } finally {
    await proxy.close();
  }
  const figures = { cutConnections: proxy.cutCount, abortedTransactions: aborts.count, stallMs: STALL_MS };
  mkdirSync(path.join(repoRoot, 'test-results', 'chaos'), { recursive: true });
  writeFileSync(
    path.join(repoRoot, 'test-results', 'chaos', 'network-faults.json'),
    `${JSON.stringify(figures)}\n`,
  );
  process.stdout.write(`network faults: ${JSON.stringify(figures)}\n`);
}, plan.timeoutMs * 2);

test('connections were cut while the services were working', () => {
  expect(proxy.cutCount).toBeGreaterThan(0);
});

test('through latency, cuts and a stall nothing is lost or duplicated and every order finishes', () => {
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), outcome.commands, outcome.records);
  expect(report.violations).toEqual([]);
  expect(report.instances.size).toBe(plan.orders);
  expect([...report.instances.values()].every((instance) => instance.status !== 'running')).toBe(true);
  expect(outcome.deadLetters).toHaveLength(report.deadLettered);
});
