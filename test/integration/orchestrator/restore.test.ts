// Restore against real Kafka, registry and Redis: a new processor continues from snapshot + changelog replay,
// rebuilds from the log alone when Redis lost its keys, and fires a timer that fell due while nobody ran.
import { createRegistry, type LogRecord, type Transition } from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import type { Orchestrator } from '../../../services/orchestrator/orchestrator';
import { eventually } from '../../harness/eventually';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { signal, startOrder, succeeded } from '../../harness/order-commands';
import { TopicTail } from '../../harness/topic-tail';

const SHIPPING_TIMEOUT_MS = 5_000;
const registry = createRegistry([orderSaga()]);
const shortTimeouts = createRegistry([orderSaga({ shippingTimeoutMs: SHIPPING_TIMEOUT_MS })]);

jest.setTimeout(60_000);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let tasks: TopicTail<TaskEnvelope>;
let orchestrator: Orchestrator | undefined;

const transitionsOf = (id: string) =>
  transitions.values().filter((r): r is Transition => r.correlationId === id && r.kind === 'transition');
const partitionOf = (id: string) => transitions.seen.find((e) => e.value.correlationId === id)!.partition;

async function answer(id: string, type: string): Promise<void> {
  const task = await tasks.waitFor(`${type} of ${id}`, (t) => t.correlationId === id && t.type === type);
  await fixture.publisher.publish(succeeded(task));
}

async function toShipping(id: string): Promise<Transition> {
  await fixture.publisher.publish(startOrder(id));
  for (const type of ['validate-order', 'reserve-inventory', 'authorize-payment']) await answer(id, type);
  return (await transitions.waitFor(
    `${id} shipping`,
    (r) => r.correlationId === id && r.kind === 'transition' && r.to === 'shipping',
  )) as Transition;
}

async function restart(with_ = registry): Promise<void> {
  if (orchestrator) await fixture.stopOrchestrator(orchestrator);
  orchestrator = await fixture.startOrchestrator(with_);
}

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-restore');
  transitions = await fixture.tailTransitions();
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  orchestrator = await fixture.startOrchestrator(registry);
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), tasks?.stop()]);
  await fixture?.close();
});

test('a new processor restores from a snapshot plus the changelog after it and continues with contiguous seqs', async () => {
  const id = 'restore-1';
  await fixture.publisher.publish(startOrder(id));
  await answer(id, 'validate-order');
  await transitions.waitFor(
    'reserving',
    (r) => r.correlationId === id && r.kind === 'transition' && r.to === 'reserving',
  );
  const partition = partitionOf(id);
  const keys = fixture.store.keys(partition);
  const old = await eventually('a snapshot at reserving', async () => {
    const snapshot = await fixture.store.load(partition);
    return snapshot.instances.get(id)?.state === 'reserving'
      ? { hash: await fixture.redis.hgetall(keys.instances), offset: snapshot.offset }
      : undefined;
  });
  for (const type of ['reserve-inventory', 'authorize-payment']) await answer(id, type);
  await transitions.waitFor(
    'shipping',
    (r) => r.correlationId === id && r.kind === 'transition' && r.to === 'shipping',
  );
  await fixture.stopOrchestrator(orchestrator!);
  orchestrator = undefined;
  // Put the older snapshot back: the records after it exist only in the changelog and must be replayed.
  await fixture.redis.del(keys.instances, keys.meta);
  await fixture.redis.hset(keys.instances, old.hash);
  await fixture.redis.hset(keys.meta, 'offset', String(old.offset));

  orchestrator = await fixture.startOrchestrator(registry);
  await answer(id, 'ship-order');
  await transitions.waitFor(
    'completed',
    (r) => r.correlationId === id && r.kind === 'transition' && r.status === 'completed',
  );
  expect(transitionsOf(id).map((t) => [t.seq, t.to])).toEqual([
    [1, 'validating'],
    [2, 'reserving'],
    [3, 'reserving'],
    [4, 'shipping'],
    [5, 'completed'],
  ]);
  const snapshot = await eventually('snapshot at completed', async () => {
    const loaded = await fixture.store.load(partition);
    return loaded.instances.get(id)?.status === 'completed' ? loaded : undefined;
  });
  expect(snapshot.offset).toBeGreaterThan(old.offset!);
});

test('with its Redis keys deleted a processor rebuilds the state from the log alone', async () => {
  const id = 'restore-2';
  const start = startOrder(id);
  await fixture.publisher.publish(start);
  await answer(id, 'validate-order');
  await transitions.waitFor(
    'reserving',
    (r) => r.correlationId === id && r.kind === 'transition' && r.to === 'reserving',
  );
  await fixture.stopOrchestrator(orchestrator!);
  orchestrator = undefined;
  expect(await fixture.deleteRedisKeys()).toBeGreaterThan(0);

  orchestrator = await fixture.startOrchestrator(registry);
  await fixture.publisher.publish(start);
  for (const type of ['reserve-inventory', 'authorize-payment', 'ship-order']) await answer(id, type);
  await transitions.waitFor(
    'completed',
    (r) => r.correlationId === id && r.kind === 'transition' && r.status === 'completed',
  );
  expect(transitionsOf(id).map((t) => t.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(transitions.values().filter((r) => r.commandId === start.commandId)).toHaveLength(1);
});

test('a timeout that fell due while no processor ran fires exactly once after the restart', async () => {
  const id = 'restore-timer';
  await restart(shortTimeouts);
  const shipping = await toShipping(id);
  const timeout = shipping.timers.set.find((t) => t.kind === 'timeout')!;
  const fired = (r: LogRecord) => r.correlationId === id && r.commandId === `timer:${timeout.timerId}`;
  const dueAt = timeout.dueAt;
  await fixture.stopOrchestrator(orchestrator!);
  orchestrator = undefined;
  expect(transitions.values().filter(fired)).toHaveLength(0);
  await eventually('the due time to pass', () => Date.now() > dueAt, {
    timeoutMs: SHIPPING_TIMEOUT_MS + 5_000,
  });

  orchestrator = await fixture.startOrchestrator(shortTimeouts);
  await transitions.waitFor(
    'timing-out',
    (r) => fired(r) && r.kind === 'transition' && r.to === 'timing-out',
  );
  for (const type of ['refund-payment', 'release-inventory']) await answer(id, type);
  await transitions.waitFor(
    'timed_out',
    (r) => r.correlationId === id && r.kind === 'transition' && r.status === 'timed_out',
  );
  const marker = signal(id, 'customer-note', { note: 'after the timeout' });
  await fixture.publisher.publish(marker);
  await transitions.waitFor('marker', (r) => r.commandId === marker.commandId);
  expect(transitions.values().filter(fired)).toHaveLength(1);
});
