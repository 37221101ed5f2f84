// Circuits across the fleet, on the real stack with three partitions: failures seen on one partition open the
// task type's circuit on every partition (the trip travels as a command in the transaction that opened it), so
// an instance on another partition is deferred without a task request; and when the last worker of a type
// leaves, its heartbeats' end opens the circuit everywhere until a worker is back.
import { z } from 'zod';
import { createRegistry, type CircuitRule, type LogRecord } from '../../../services/core';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import { commandPartition } from '../../../services/platform/kafka/command-partition';
import { HealthWatcher } from '../../../services/orchestrator/health/health-watcher';
import {
  createWorker,
  RedisResultStore,
  RetryableTaskError,
  taskHandler,
  type Worker,
} from '../../../services/worker';
import { CircuitLog, circuitSettings, PAY_RULE, paymentWorkflow } from '../../harness/circuits';
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

const healthRecords = () => log.healthRecords();
const circuitsSince = (from: number) =>
  healthRecords()
    .slice(from)
    .map((r) => r.entry.circuit)
    .filter((c) => c !== null);
const moves = (id: string) => log.moves(id);
const waitParked = (id: string) => log.waitParked(id);
const waitCompleted = (id: string) => log.waitCompleted(id);
const requestsOf = (id: string) => tasks.values().filter((t) => t.correlationId === id);

async function startWorker(name: string): Promise<Worker> {
  const started = createWorker({
    log: fixture.log,
    codec: fixture.codec,
    results: new RedisResultStore(fixture.redis, { redisPrefix: fixture.namespace.redisPrefix }),
    topics: fixture.topics,
    groupId: `${fixture.namespace.groupId}.workers`,
    name,
    logger: fixture.logger,
    heartbeatMs: 200,
    handlers: {
      pay: taskHandler(z.object({}), async () => {
        if (failing) throw new RetryableTaskError('payment provider down', 'unavailable');
        return {};
      }),
    },
  });
  await started.start();
  return started;
}

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
  await eventually('every partition to log the circuit rule', () =>
    healthRecords().filter((r) => r.entry.circuit?.phase === 'closed').length >= PARTITIONS
      ? true
      : undefined,
  );
  await eventually('the worker to be reported alive', () =>
    healthRecords().some((r) => r.entry.alive === 1) ? true : undefined,
  );
});

afterAll(async () => {
  await watcher?.stop();
  await worker?.stop();
  await transitions?.stop();
  await tasks?.stop();
  await fixture?.close();
});

test('failures on one partition open the circuit on every partition; an instance elsewhere is deferred with no request', async () => {
  const from = healthRecords().length;
  failing = true;
  const failingId = idOn(0, 'fail');
  await fixture.publisher.publish(startOrder(failingId, {}, 'payment'));
  await eventually('partition 0 to open its circuit by its own failures', () =>
    circuitsSince(from).find((c) => c.phase === 'open' && c.why === '2 consecutive failures'),
  );
  const tripped = await eventually('the two other partitions to open it too', () => {
    const opened = circuitsSince(from).filter(
      (c) => c.why === 'opened on partition 0: 2 consecutive failures',
    );
    return opened.length >= PARTITIONS - 1 ? opened : undefined;
  });
  expect(tripped.map((c) => c.phase)).toEqual(['open', 'open']);

  const elsewhere = idOn(2, 'elsewhere');
  await fixture.publisher.publish(startOrder(elsewhere, {}, 'payment'));
  const parked = await waitParked(elsewhere);
  expect(parked.attempt).toBe(1);
  expect(requestsOf(elsewhere)).toEqual([]);
  expect(moves(elsewhere)[0]!.env?.circuits?.['pay']?.phase).toBe('open');
  // Exactly one trip per other partition: nothing was sent on from the partitions that were tripped.
  expect(circuitsSince(from).filter((c) => c.why.startsWith('opened on partition'))).toHaveLength(
    PARTITIONS - 1,
  );

  failing = false;
  await settle(RULE, null);
  await waitCompleted(elsewhere);
  await waitCompleted(failingId);
  expect(requestsOf(elsewhere)).toHaveLength(1);
});

test('the last worker of a type leaving opens its circuit on every partition until a worker is back', async () => {
  // Short open time: once a worker is back, the circuits probe at once.
  await settle({ ...RULE, openMs: 200 });
  await eventually('the circuits to be closed', () =>
    healthRecords()
      .slice(-PARTITIONS)
      .every((r) => r.entry.circuit?.phase === 'closed')
      ? true
      : undefined,
  );
  const from = healthRecords().length;
  await worker!.stop();
  worker = undefined;
  const opened = await eventually('every partition to open the circuit for want of a worker', () => {
    const found = circuitsSince(from).filter((c) => c.why === 'no live worker of pay');
    return found.length >= PARTITIONS ? found : undefined;
  });
  expect(opened.every((c) => c.phase === 'open')).toBe(true);

  const waiting = idOn(1, 'waiting');
  await fixture.publisher.publish(startOrder(waiting, {}, 'payment'));
  await waitParked(waiting);
  expect(requestsOf(waiting)).toEqual([]);

  worker = await startWorker('fleet-worker-2');
  await waitCompleted(waiting);
  const after = circuitsSince(from).map((c) => c.phase);
  expect(after.indexOf('half-open', after.indexOf('open'))).toBeGreaterThan(-1);
  expect(requestsOf(waiting)).toHaveLength(1);
});
