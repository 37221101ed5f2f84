// A start guard reading the fleet's in-flight counts, on the real stack: workers publish heartbeats, the
// orchestrator's health watcher turns them into health commands its partition logs, and the guard refuses new
// instances while the limit of shipments is in flight and lets them start again once they are done.
import { z } from 'zod';
import {
  createRegistry,
  setup,
  verdict,
  type HealthRecord,
  type LogRecord,
  type Transition,
} from '../../../services/core';
import { HealthWatcher } from '../../../services/orchestrator/health/health-watcher';
import { createWorker, RedisResultStore, taskHandler, type Worker } from '../../../services/worker';
import { eventually } from '../../harness/eventually';
import { startOrder } from '../../harness/order-commands';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';
import { gate, type Gate } from '../worker/gate';

jest.setTimeout(120_000);

const LIMIT = 2;
const shipping = setup({
  types: {} as { context: object },
  input: z.object({}),
  events: {},
  tasks: { ship: {} },
}).define({
  name: 'shipping',
  version: 1,
  initial: 'shipping',
  context: () => ({}),
  startGuard: (_input, env) =>
    (env.inFlight['ship'] ?? 0) >= LIMIT ? verdict.reject(`${LIMIT} shipments in flight`) : true,
  states: {
    shipping: { invoke: { tasks: [{ task: 'ship' }], onDone: 'shipped', onError: 'shipped' } },
    shipped: { final: 'completed' },
  },
});
/** Finishes at once: once its start is logged, every command before it in the partition was decided. */
const marker = setup({ types: {} as { context: object }, input: z.object({}), events: {}, tasks: {} }).define(
  {
    name: 'marker',
    version: 1,
    initial: 'done',
    context: () => ({}),
    states: { done: { final: 'completed' } },
  },
);
const registry = createRegistry([shipping, marker]);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let worker: Worker;
let watcher: HealthWatcher;
const gates = new Map<string, Gate>();
const gateOf = (id: string) => gates.get(id) ?? gates.set(id, gate()).get(id)!;

const start = (workflow: string, id: string) => startOrder(id, {}, workflow);
const started = (id: string) =>
  transitions.values().find((r): r is Transition => r.kind === 'transition' && r.correlationId === id);
/** Waits for a health record of `count` in flight logged after position `after`; answers its position. */
const inFlightLogged = (count: number, after = -1) =>
  eventually(`${count} shipments in flight to be logged`, () => {
    const at = transitions
      .values()
      .findIndex(
        (r, index) =>
          index > after &&
          (r as { kind: string }).kind === 'health' &&
          (r as unknown as HealthRecord).entry.inFlight === count,
      );
    return at === -1 ? undefined : at;
  });
const decidedUpTo = (id: string) =>
  eventually(`${id} to be decided`, () => started(id)).then(() => undefined);

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-in-flight', 1);
  transitions = await fixture.tailTransitions();
  await fixture.startOrchestrator(registry);
  worker = createWorker({
    log: fixture.log,
    codec: fixture.codec,
    results: new RedisResultStore(fixture.redis, { redisPrefix: fixture.namespace.redisPrefix }),
    topics: fixture.topics,
    groupId: `${fixture.namespace.groupId}.workers`,
    name: 'shipping-worker',
    logger: fixture.logger,
    heartbeatMs: 200,
    handlers: {
      ship: taskHandler(z.object({}), async (_input, ctx) => {
        await gateOf(ctx.correlationId).opened;
        return {};
      }),
    },
  });
  await worker.start();
  watcher = await HealthWatcher.start({
    log: fixture.log,
    topic: fixture.topics.health,
    groupPrefix: fixture.namespace.groupId,
    publisher: fixture.publisher,
    partitions: fixture.partitions,
    policy: { intervalMs: 200, staleMs: 10_000 },
    actor: 'statewright:health',
    logger: fixture.logger,
  });
});

afterAll(async () => {
  for (const open of gates.values()) open.open();
  await watcher?.stop();
  await worker?.stop();
  await transitions?.stop();
  await fixture?.close();
});

test('starts are refused while the limit of shipments is in flight and allowed again below it', async () => {
  await fixture.publisher.publishAll([start('shipping', 's1'), start('shipping', 's2')]);
  const busy = await inFlightLogged(2);

  await fixture.publisher.publishAll([start('shipping', 's3'), start('marker', 'm1')]);
  await decidedUpTo('m1');
  expect(started('s3')).toBeUndefined();

  gateOf('s1').open();
  gateOf('s2').open();
  await inFlightLogged(0, busy);
  await fixture.publisher.publish(start('shipping', 's4'));
  const s4 = await eventually('s4 to start', () => started('s4'));
  expect(s4.env?.inFlight['ship']).toBe(0);
  expect(started('s1')?.env?.inFlight['ship'] ?? 0).toBeLessThan(LIMIT);
});
