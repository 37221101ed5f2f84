// The consumer may hand the orchestrator commands it has committed already: every join of the group reads the
// group's position afresh, and a join just after a commit can read the position before it (kafkajs cannot ask for
// stable offsets). The processor skips what it committed, so even input without a command id to deduplicate by
// (undecodable bytes) is dead-lettered once.
import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { createRegistry } from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import type { DeadLetterEnvelope } from '../../../services/platform/codec/dead-letter-envelope';
import { commandPartition } from '../../../services/platform/kafka/command-partition';
import type { LogClient } from '../../../services/platform/kafka/log-client';
import type { BatchContext, LogConsumer } from '../../../services/platform/kafka/log-consumer';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(60_000);

const KEY = 'redelivered-poison';

let fixture: OrchestratorFixture;
let dlq: TopicTail<DeadLetterEnvelope>;
let raw: Producer;

/**
 * `log` whose consumers hand each batch that holds a record keyed `key` to the handler a second time once the
 * first handling returned, as a consumer that joined again and read the position before that batch's commit does.
 */
function redelivering(log: LogClient, key: string, handedAgain: () => void): LogClient {
  const twice = (eachBatch: (context: BatchContext) => Promise<void>) => async (context: BatchContext) => {
    await eachBatch(context);
    if (!context.batch.records.some((record) => record.key?.toString() === key)) return;
    await eachBatch(context);
    handedAgain();
  };
  return {
    ...log,
    consumer: (settings) => {
      const inner = log.consumer(settings);
      const consumer: LogConsumer = {
        connect: () => inner.connect(),
        disconnect: () => inner.disconnect(),
        subscribe: (subscription) => inner.subscribe(subscription),
        run: (run) => inner.run('eachBatch' in run ? { ...run, eachBatch: twice(run.eachBatch) } : run),
        seek: (position) => inner.seek(position),
        onGroupJoin: (listener) => inner.onGroupJoin(listener),
        onBatchEnd: (listener) => inner.onBatchEnd(listener),
        onCrash: (listener) => inner.onCrash(listener),
        onStop: (listener) => inner.onStop(listener),
      };
      return consumer;
    },
  };
}

let handedAgain = 0;

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-redelivery');
  const { codec, kafka, topics } = fixture;
  dlq = await TopicTail.start(
    kafka,
    topics.dlq,
    (m) => codec.decode('dead-letter', m.value) as Promise<DeadLetterEnvelope>,
  );
  raw = kafka.producer();
  await raw.connect();
  const log = redelivering(fixture.log, KEY, () => (handedAgain += 1));
  await fixture.startOrchestrator(createRegistry([orderSaga()]), { log });
});

afterAll(async () => {
  await Promise.allSettled([dlq?.stop(), raw?.disconnect()]);
  await fixture?.close();
});

test('a batch handed out again after its commit is not processed again', async () => {
  const { topics } = fixture;
  const partition = commandPartition(KEY, fixture.partitions);
  // A leading zero byte is the registry's wire-format magic byte: random bytes must not start with it.
  const poison = () => Buffer.concat([Buffer.from([0xff]), randomBytes(31)]);
  const first = poison();
  await raw.send({ topic: topics.commands, messages: [{ key: KEY, value: first, partition }] });
  await dlq.waitFor('the first dead letter', (letter) => letter.value?.equals(first) === true);
  // The consumer hands out the partition's next batch only once the second handling returned, and a dead letter of
  // the same key follows anything that handling wrote.
  const sentinel = poison();
  await raw.send({ topic: topics.commands, messages: [{ key: KEY, value: sentinel, partition }] });
  await dlq.waitFor('the sentinel dead letter', (letter) => letter.value?.equals(sentinel) === true);
  expect(handedAgain).toBeGreaterThanOrEqual(1);
  const letters = dlq.values().filter((letter) => letter.key?.toString() === KEY);
  expect(letters.map((letter) => letter.value?.equals(first) === true)).toEqual([true, false]);
});
