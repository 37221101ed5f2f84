// Circuits across the fleet, on the real stack with three partitions: failures seen on one partition open the
// task type's circuit on every partition (the trip travels as a command in the transaction that opened it), so
// an instance on another partition is deferred without a task request; and when the last worker of a type
// leaves, its heartbeats' end opens the circuit everywhere until a worker is back.
import { z } from 'zod';
import {
  createRegistry,
  HEALTH_WORKFLOW,
  healthKey,
  setup,
  type CircuitRule,
  type CircuitSettingsCommand,
  type CommandId,
  type CorrelationId,
  type HealthRecord,
  type LogRecord,
  type OpenTask,
  type Transition,
} from '../../../services/core';
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
import { eventually } from '../../harness/eventually';
import { startOrder } from '../../harness/order-commands';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(120_000);

const PARTITIONS = 3;
const payment = setup({
  types: {} as { context: object },
  input: z.object({}),
  events: {},
  tasks: { pay: { retry: { maxAttempts: 10, backoff: { kind: 'fixed', ms: 200 }, jitter: 0 } } },
}).define({
  name: 'payment',
  version: 1,
  initial: 'paying',
  context: () => ({}),
  states: {
    paying: { invoke: { tasks: [{ task: 'pay' }], onDone: 'paid', onError: 'failed' } },
    paid: { final: 'completed' },
    failed: { final: 'failed' },
  },
});
const registry = createRegistry([payment]);
/** Open for ten minutes: within a test the circuit closes only when the test says so. */
const RULE: CircuitRule = {
  window: 10,
  failureRate: 1,
  minCalls: 10,
  consecutiveFailures: 2,
  openMs: 600_000,
  probes: 1,
  resumePerSecond: 20,
};

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
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
const circuitSettings = (rule: CircuitRule, hold?: 'open' | 'closed' | null): CircuitSettingsCommand => ({
  type: 'circuit-settings',
  commandId: `fleet-circuit-${++settingsCount}` as CommandId,
  correlationId: healthKey('pay') as CorrelationId,
  workflow: HEALTH_WORKFLOW,
  actor: 'ops@example.com',
  timestamp: Date.now(),
  expectedSeq: null,
  sourceSeq: null,
  taskType: 'pay',
  hold,
  rule,
  maxInFlight: undefined,
});
const settle = (rule: CircuitRule, hold?: 'open' | 'closed' | null) =>
  fixture.publisher.publishToEveryPartition(circuitSettings(rule, hold), PARTITIONS);

const healthRecords = () =>
  transitions.values().filter((r) => (r as { kind: string }).kind === 'health') as unknown as HealthRecord[];
const circuitsSince = (from: number) =>
  healthRecords()
    .slice(from)
    .map((r) => r.entry.circuit)
    .filter((c) => c !== null);
const moves = (id: string) =>
  transitions.values().filter((r): r is Transition => r.kind === 'transition' && r.correlationId === id);
const parkedIn = (t: Transition): OpenTask | undefined => t.tasks.put.find((task) => task.parked);
const waitParked = (id: string) =>
  eventually(`${id} to be deferred by the circuit`, () => moves(id).map(parkedIn).find(Boolean), {
    timeoutMs: 30_000,
  });
const waitCompleted = (id: string) =>
  eventually(`${id} to complete`, () => moves(id).some((t) => t.status === 'completed'), {
    timeoutMs: 60_000,
  });
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
