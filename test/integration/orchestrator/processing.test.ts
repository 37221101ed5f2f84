// The partition processor against real Kafka, registry and Redis: a saga runs to completion, duplicates change
// nothing, and poison input lands in the DLQ while the commands around it are processed.
import { randomBytes } from 'node:crypto';
import type { KafkaMessage, Producer } from 'kafkajs';
import { createRegistry, type LogRecord, type Transition } from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import { toCommandEnvelope } from '../../../services/platform/codec/command-envelope';
import type { DeadLetterEnvelope } from '../../../services/platform/codec/dead-letter-envelope';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import {
  fromChangelogEnvelope,
  type TransitionEnvelope,
} from '../../../services/platform/codec/transition-envelope';
import { commandPartition } from '../../../services/platform/kafka/command-partition';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { signal, startOrder, succeeded } from '../../harness/order-commands';
import { TopicTail } from '../../harness/topic-tail';

const registry = createRegistry([orderSaga()]);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

jest.setTimeout(60_000);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let tasks: TopicTail<TaskEnvelope>;
let dlq: TopicTail<DeadLetterEnvelope>;
let raw: Producer;

const recordsOf = (id: string) => transitions.values().filter((r) => r.correlationId === id);
const transitionsOf = (id: string) => recordsOf(id).filter((r): r is Transition => r.kind === 'transition');

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-processing');
  const { codec, kafka, topics } = fixture;
  const decode =
    <T>(kind: 'transition' | 'task-request' | 'dead-letter') =>
    (m: KafkaMessage) =>
      codec.decode(kind, m.value) as Promise<T>;
  transitions = await TopicTail.start(
    kafka,
    topics.transitions,
    async (m) => fromChangelogEnvelope(await decode<TransitionEnvelope>('transition')(m)) as LogRecord,
  );
  tasks = await TopicTail.start(kafka, topics.tasks, decode<TaskEnvelope>('task-request'));
  dlq = await TopicTail.start(kafka, topics.dlq, decode<DeadLetterEnvelope>('dead-letter'));
  raw = kafka.producer();
  await raw.connect();
  // The test plays the worker: every task request is answered with success.
  tasks.onMessage(async ({ value }) => fixture.publisher.publish(succeeded(value)));
  await fixture.startOrchestrator(registry);
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), tasks?.stop(), dlq?.stop(), raw?.disconnect()]);
  await fixture?.close();
});

test('an order saga runs to completed, with contiguous seqs on the command partition and the traceparent carried', async () => {
  const start = startOrder('order-complete');
  await fixture.publisher.publish(start, { traceparent: TRACEPARENT });
  const done = await transitions.waitFor(
    'completed transition',
    (r) => r.correlationId === 'order-complete' && r.kind === 'transition' && r.status === 'completed',
  );
  expect(done).toMatchObject({ to: 'completed' });
  const seqs = transitionsOf('order-complete').map((t) => t.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  const partitions = new Set(
    transitions.seen.filter((e) => e.value.correlationId === 'order-complete').map((e) => e.partition),
  );
  expect(partitions.size).toBe(1);
  const first = transitions.seen.find((e) => e.value.commandId === start.commandId);
  expect(first?.message.headers?.traceparent?.toString()).toBe(TRACEPARENT);
  const validate = tasks.seen.find(
    (e) => e.value.correlationId === 'order-complete' && e.value.type === 'validate-order',
  );
  expect(validate?.message.headers?.traceparent?.toString()).toBe(TRACEPARENT);
  expect(validate?.message.key?.toString()).toBe('order-complete');
});

test('a duplicate command produces no new transition', async () => {
  const start = startOrder('order-dup');
  await fixture.publisher.publish(start);
  await transitions.waitFor(
    'order-dup completed',
    (r) => r.correlationId === 'order-dup' && r.kind === 'transition' && r.status === 'completed',
  );
  const before = recordsOf('order-dup').length;
  await fixture.publisher.publish(start);
  const marker = signal('order-dup', 'customer-note', { note: 'after the duplicate' });
  await fixture.publisher.publish(marker);
  await transitions.waitFor('the marker is recorded', (r) => r.commandId === marker.commandId);
  const after = recordsOf('order-dup');
  expect(after).toHaveLength(before + 1);
  expect(after.filter((r) => r.commandId === start.commandId)).toHaveLength(1);
  expect(after.at(-1)).toMatchObject({ kind: 'rejection', reason: { code: 'finished' } });
});

test('poison input goes to the DLQ with its bytes and reason while the commands around it are processed', async () => {
  const { codec, topics } = fixture;
  const encode = (command: ReturnType<typeof startOrder>) =>
    codec.encode('command', toCommandEnvelope(command));
  const unknownId = Buffer.alloc(12);
  unknownId.writeUInt32BE(2_000_000_000, 1);
  const keyOrder = (key: string) => poison.findIndex((p) => p.key === key);
  // A leading zero byte is the registry's wire-format magic byte: random bytes must not start with it.
  const randomValue = Buffer.concat([Buffer.from([0xff]), randomBytes(63)]);
  const poison = [
    { key: 'poison-random', value: randomValue },
    { key: 'poison-schema', value: unknownId },
    { key: 'poison-workflow', value: encode(startOrder('poison-workflow', {}, 'no-such-workflow')) },
    { key: 'poison-payload', value: encode(startOrder('poison-payload', { orderId: '' })) },
  ];
  const messages = [
    { key: 'poison-before', value: encode(startOrder('poison-before')) },
    ...poison,
    { key: 'poison-after', value: encode(startOrder('poison-after')) },
  ].map((m) => ({
    ...m,
    partition: commandPartition(m.key, fixture.partitions),
    headers: { 'x-origin': 'poison-test' },
  }));
  await raw.send({ topic: topics.commands, messages });

  for (const id of ['poison-before', 'poison-after']) {
    await transitions.waitFor(`${id} started`, (r) => r.correlationId === id && r.kind === 'transition');
  }
  await dlq.waitFor('four dead letters', () => dlq.values().length >= 4);
  // Each poison record sits on the partition that owns its key; letters of one partition keep their order.
  const keyOf = (l: DeadLetterEnvelope) => l.key?.toString() ?? '';
  const letters = [...dlq.values()].sort((a, b) => keyOrder(keyOf(a)) - keyOrder(keyOf(b)));
  expect(letters.map((l) => [keyOf(l), l.code])).toEqual([
    ['poison-random', 'undecodable'],
    ['poison-schema', 'unknown-schema'],
    ['poison-workflow', 'unknown-workflow'],
    ['poison-payload', 'invalid-payload'],
  ]);
  letters.forEach((letter, i) => {
    const partition = commandPartition(poison[i]!.key, fixture.partitions);
    expect(letter).toMatchObject({ topic: topics.commands, partition, value: poison[i]!.value });
    expect(letter.reason.length).toBeGreaterThan(0);
    expect(letter.headers).toEqual([{ key: 'x-origin', value: Buffer.from('poison-test') }]);
  });
  for (const partition of new Set(letters.map((l) => l.partition))) {
    const offsets = dlq
      .values()
      .filter((l) => l.partition === partition)
      .map((l) => l.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  }
});
