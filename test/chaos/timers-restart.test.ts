// Durable timers: shipping timeouts are set, every orchestrator is stopped, the clock passes the
// due times, and a restarted orchestrator fires each timeout exactly once.
import { exampleRegistry } from '../harness/examples';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';
import { ChaosRig, type CommittedLogs } from './chaos-rig';
import { checkLogs } from './invariant-checker';
import { chaosScale } from './chaos-run';
import { fateOf, orderCommands, prng } from './order-traffic';

const full = chaosScale() === 'full';
const SHIPPING_TIMEOUT_MS = 4_000;
const ORDERS = full ? 100 : 20;
/** Order ids whose fate is a shipment that never answers, so their shipping timeout must fire. */
const orderIds = Array.from({ length: ORDERS * 10 }, (_, i) => `order-${i}`)
  .filter((id) => fateOf(id) === 'ships-late')
  .slice(0, ORDERS);

let logs: CommittedLogs;

/** Waits for wall-clock time itself to pass a due time: the condition under test is the clock. */
const clockPasses = (epochMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));

beforeAll(async () => {
  const rig = await ChaosRig.open({
    label: 'timers',
    partitions: 3,
    expectedInstances: ORDERS,
    shippingTimeoutMs: SHIPPING_TIMEOUT_MS,
    duplicateRate: 0,
    random: prng(11),
  });
  try {
    rig.startOrchestrator();
    await rig.startResponder();
    const producer = rig.kafka.producer({ idempotent: true });
    await producer.connect();
    const now = Date.now();
    await producer.send({
      topic: rig.topics.commands,
      messages: orderIds.map((id) => ({
        key: id,
        value: rig.codec.encode('command', toCommandEnvelope(orderCommands(id, now)[0]!)),
      })),
    });
    await producer.disconnect();
    await rig.watcher.until(
      `${ORDERS} orders shipping`,
      () => rig.watcher.count((e) => e.state === 'shipping') === ORDERS,
      120_000,
    );
    const allShippingAt = Date.now();
    await rig.fleet.stopAll();
    expect(rig.watcher.count((e) => e.state === 'shipping')).toBe(ORDERS);
    await clockPasses(allShippingAt + SHIPPING_TIMEOUT_MS + 1_000);
    rig.startOrchestrator();
    await rig.watcher.finished(ORDERS, 120_000);
    await rig.fleet.stopAll();
    logs = await rig.readLogs();
  } finally {
    await rig.close();
  }
}, 600_000);

test('each shipping timeout fired exactly once, after the restart, and unwound the order to timed_out', () => {
  const records = [...logs.records.values()].flat();
  for (const id of orderIds) {
    const timeouts = records.filter(
      (r) =>
        r.correlationId === id && r.kind === 'transition' && r.event === 'timeout' && r.from === 'shipping',
    );
    expect(timeouts).toHaveLength(1);
  }
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), logs.commands, logs.records);
  expect(report.violations).toEqual([]);
  expect([...report.instances.values()].map((i) => i.status)).toEqual(orderIds.map(() => 'timed_out'));
});
