// Circuits across the fleet, on the real stack with three partitions: failures seen on one partition open the
// task type's circuit on every partition (the trip travels as a command in the transaction that opened it), so
// an instance on another partition is deferred without a task request; and when the last worker of a type
// leaves, its heartbeats' end opens the circuit everywhere until a worker is back.
import { createRegistry, type CircuitRule, type HealthRecord, type LogRecord } from '../../../services/core';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import { commandPartition } from '../../../services/platform/kafka/command-partition';
import { HealthWatcher } from '../../../services/orchestrator/health/health-watcher';
import type { Worker } from '../../../services/worker';
import {
  CircuitLog,
  circuitSettings,
  PAY_RULE,
  paymentWorkflow,
  startPayWorker,
} from '../../harness/circuits';
import { eventually } from '../../harness/eventually';
import { startOrder } from '../../harness/order-commands';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(120_000);

const PARTITIONS = 3;
const registry = createRegistry([paymentWorkflow()]);
/** Open for ten minutes: within a test the circuit closes only when the test says so. */
const RULE = PAY_RULE;

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let log: CircuitLog;
let tasks: TopicTail<TaskEnvelope>;
let watcher: HealthWatcher;
let worker: Worker | undefined;
let failing = false;

/** The first of `prefix-0`, `prefix-1`, … that lives on `partition`. */
function idOn(partition: number, prefix: string): string {
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    if (commandPartition(id, PARTITIONS) === partition) return id;
  }
}

let settingsCount = 0;
const settle = (rule: CircuitRule, hold?: 'open' | 'closed' | null) =>
  fixture.publisher.publishToEveryPartition(
    circuitSettings(`fleet-circuit-${++settingsCount}`, { rule, hold }),
    PARTITIONS,
  );

const moves = (id: string) => log.moves(id);
const waitParked = (id: string) => log.waitParked(id);
const waitCompleted = (id: string) => log.waitCompleted(id);
const requestsOf = (id: string) => tasks.values().filter((t) => t.correlationId === id);

const startWorker = (name: string): Promise<Worker> =>
  startPayWorker(fixture, { name, failing: () => failing, heartbeatMs: 200 });

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-circuit-fleet', PARTITIONS);
  transitions = await fixture.tailTransitions();
  log = new CircuitLog(transitions);
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  await fixture.startOrchestrator(registry);
  worker = await startWorker('fleet-worker-1');
  watcher = await HealthWatcher.start({
    log: fixture.log,
    topic: fixture.topics.health,
    groupPrefix: fixture.namespace.groupId,
    publisher: fixture.publisher,
    partitions: PARTITIONS,
    policy: { intervalMs: 200, staleMs: 5_000 },
    actor: 'statewright:health',
    logger: fixture.logger,
  });
  await settle(RULE);
  await eventually('every partition to log the circuit rule', allClosed);
  await eventually('the worker to be reported alive', () =>
    log.healthRecords().some((r) => r.entry.alive === 1) ? true : undefined,
  );
});

afterAll(async () => {
  await watcher?.stop();
  await worker?.stop();
  await transitions?.stop();
  await tasks?.stop();
  await fixture?.close();
});

/** The partitions that logged a record satisfying `match` since health record number `from`. */
const partitionsWith = (from: number, match: (record: HealthRecord) => boolean) =>
  new Set(
    log
      .healthSeen()
      .slice(from)
      .filter(({ record }) => match(record))
      .map(({ partition }) => partition),
  );
const trips = () =>
  log
    .healthSeen()
    .filter(({ record }) => record.commandId.startsWith('circuit-tripped:'))
    .map(({ partition, record }) => ({ partition, commandId: record.commandId }));
const allClosed = () =>
  [...Array(PARTITIONS).keys()].every((p) => log.phaseByPartition().get(p) === 'closed') ? true : undefined;

test('failures on one partition open the circuit on every partition; an instance elsewhere is deferred with no request', async () => {
  const from = log.healthSeen().length;
  failing = true;
  const failingId = idOn(0, 'fail');
  await fixture.publisher.publish(startOrder(failingId, {}, 'payment'));
  await eventually('partition 0 to open its circuit by its own failures', () =>
    partitionsWith(from, (r) => r.entry.circuit?.why === '2 consecutive failures').has(0) ? true : undefined,
  );
  await eventually('the two other partitions to open it too', () =>
    trips().length >= PARTITIONS - 1 ? true : undefined,
  );
  const opened = partitionsWith(
    from,
    (r) =>
      r.entry.circuit?.phase === 'open' &&
      r.entry.circuit.why === 'opened on partition 0: 2 consecutive failures',
  );
  expect([...opened].sort()).toEqual([1, 2]);

  const elsewhere = idOn(2, 'elsewhere');
  await fixture.publisher.publish(startOrder(elsewhere, {}, 'payment'));
  const parked = await waitParked(elsewhere);
  expect(parked.attempt).toBe(1);
  expect(requestsOf(elsewhere)).toEqual([]);
  expect(moves(elsewhere)[0]!.env?.circuits?.['pay']?.phase).toBe('open');
  // One trip per other partition, all from partition 0: a partition opened by a trip sends nothing on.
  const sent = trips();
  expect(sent.map((t) => t.partition).sort()).toEqual([1, 2]);
  expect(sent.every((t) => t.commandId.startsWith('circuit-tripped:pay@0/'))).toBe(true);

  failing = false;
  await settle(RULE, null);
  await waitCompleted(elsewhere);
  await waitCompleted(failingId);
  expect(requestsOf(elsewhere)).toHaveLength(1);
});

test('the last worker of a type leaving opens its circuit on every partition until a worker is back', async () => {
  // Short open time: once a worker is back, the circuits probe at once.
  failing = false;
  await settle({ ...RULE, openMs: 200 }, null);
  await eventually('the circuits to be closed', allClosed);
  const from = log.healthSeen().length;
  await worker!.stop();
  worker = undefined;
  await eventually('every partition to open the circuit for want of a worker', () =>
    partitionsWith(
      from,
      (r) => r.entry.circuit?.phase === 'open' && r.entry.circuit.why === 'no live worker of pay',
    ).size === PARTITIONS
      ? true
      : undefined,
  );

  const waiting = idOn(1, 'waiting');
  await fixture.publisher.publish(startOrder(waiting, {}, 'payment'));
  await waitParked(waiting);
  expect(requestsOf(waiting)).toEqual([]);

  worker = await startWorker('fleet-worker-2');
  await waitCompleted(waiting);
  const after = log
    .healthSeen()
    .slice(from)
    .filter(({ partition }) => partition === 1)
    .map(({ record }) => record.entry.circuit?.phase);
  expect(after.indexOf('half-open', after.indexOf('open'))).toBeGreaterThan(-1);
  expect(requestsOf(waiting)).toHaveLength(1);
});
