// The Kafka adapters ride out a broker that misbehaves for a while. The clients under test reach the broker through
// a TCP proxy (the broker's proxied listener advertises the proxy's port), so the faults touch them only.
// - A consumer: kafkajs gives up on it for good when it cannot find its group coordinator, which is what a broker
//   restarting or loading its coordinator's partitions answers; the adapter starts it again. The proxy refuses
//   FindCoordinator requests while a second member joins the group, so that the first must find its coordinator
//   again, until kafkajs has given up at least once.
// - A transactional sink: a transaction that cannot finish (every byte stalled) fails once the broker's transaction
//   timeout has passed, instead of waiting for ever, and a new producer with the same id takes over.
// - A consumer disconnected while kafkajs handles its crash stays stopped: kafkajs would otherwise start it again
//   once it has handled the crash, and that consumer would keep its process alive. Each case runs in a child
//   process, which must end by itself once the broker is gone; the proxy is closed to take it away.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkajsLogClient } from '../../../services/platform/kafka/kafka-client';
import type { LogConsumer } from '../../../services/platform/kafka/log-consumer';
import { TransactionError } from '../../../services/platform/kafka/transaction-error';
import { TransactionalProducer } from '../../../services/platform/kafka/transactional-producer';
import { createLogger } from '../../../services/platform/logging/logger';
import { readTopicToEnd } from '../../harness/topic-reader';
import { eventually } from '../../harness/eventually';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints, testNamespace } from '../../harness/namespace';
import { TcpProxy } from '../../harness/tcp-proxy';

/** The single broker's proxied listener is KAFKA_PORT + 10, advertised as KAFKA_PORT + 11 (stack.sh). */
const brokerPort = Number(endpoints().kafkaBrokers.split(',')[0]!.split(':').at(-1));
/** The FindCoordinator request's api key in the Kafka protocol. */
const FIND_COORDINATOR = 10;
const ns = testNamespace('broker-faults');
const topic = `${ns.prefix}.records`;
const direct = new Kafka({ brokers: endpoints().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });

let proxy: TcpProxy;
let consumer: LogConsumer | undefined;
const sinks: TransactionalProducer[] = [];
const throughProxy = () =>
  new Kafka({
    brokers: [`127.0.0.1:${brokerPort + 11}`],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 2 },
  });

beforeAll(async () => {
  const admin = direct.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  proxy = await TcpProxy.start('127.0.0.1', brokerPort + 10, brokerPort + 11);
});

afterAll(async () => {
  proxy.resume();
  await consumer?.disconnect();
  await Promise.allSettled(sinks.map((sink) => sink.disconnect()));
  await proxy.close();
  const admin = direct.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect());
});

async function produce(value: string): Promise<void> {
  const producer = direct.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value }] }).finally(() => producer.disconnect());
}

test('a consumer that kafkajs stopped for want of a group coordinator reads again once the broker is back', async () => {
  consumer = kafkajsLogClient(throughProxy()).consumer({
    groupId: `${ns.prefix}-group`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  const read: string[] = [];
  const crashes: { message: string; restart: boolean }[] = [];
  consumer.onCrash(({ error, restart }) => crashes.push({ message: error.message, restart }));
  const lostCoordinator = () => crashes.filter(({ message }) => message.includes('find group coordinator'));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const record of batch.records) {
        read.push(record.value?.toString('utf8') ?? '');
        resolveOffset(record.offset);
      }
    },
  });
  await produce('before');
  await eventually('the first record to be read', () => read.includes('before'), { timeoutMs: 60_000 });

  proxy.refusedApiKeys.add(FIND_COORDINATOR);
  const second = direct.consumer({ groupId: `${ns.prefix}-group`, maxWaitTimeInMs: 100 });
  await second.connect();
  await second.subscribe({ topic, fromBeginning: true });
  await second.run({ eachBatch: async () => undefined });
  await eventually(
    'kafkajs to give up on the consumer: its group coordinator cannot be found',
    () => lostCoordinator().length > 0,
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  await second.disconnect();
  // The port says the consumer starts again: the adapter restarts what kafkajs gave up on.
  expect(lostCoordinator().every(({ restart }) => restart)).toBe(true);

  proxy.refusedApiKeys.delete(FIND_COORDINATOR);
  await produce('after');
  await eventually('the record produced after the outage to be read', () => read.includes('after'), {
    timeoutMs: 120_000,
  });
}, 300_000);

test('a transaction that cannot finish fails after the transaction timeout, and a new producer takes over', async () => {
  const logger = createLogger('silent');
  const transactionalId = `${ns.prefix}-sink`;
  const stuck = new TransactionalProducer(throughProxy(), transactionalId, logger, {
    transactionTimeoutMs: 2_000,
  });
  sinks.push(stuck);
  await stuck.connect();
  const record = (value: string) => [{ topic, records: [{ key: null, value: Buffer.from(value) }] }];

  proxy.stall();
  const failure = await stuck.commit(record('stalled')).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(TransactionError);
  expect(String(failure)).toContain('did not finish within 7000 ms');
  proxy.resume();

  const next = new TransactionalProducer(direct, transactionalId, logger);
  sinks.push(next);
  await next.connect();
  await next.commit(record('taken over'));
  // The commit returns once the coordinator has decided; the partition's commit marker, which makes the record
  // readable to a read-committed reader, follows (slowly on a freshly started broker).
  const committed = async () =>
    (await readTopicToEnd(direct, topic)).get(0)!.map((message) => message.value?.toString('utf8'));
  await eventually("the new producer's record to be readable as committed", async () =>
    (await committed()).includes('taken over'),
  );
}, 120_000);

/**
 * A consumer of the services' kafkajs adapter, through the proxy, that disconnects itself when it crashes: either as
 * kafkajs starts handling the crash (its "Crash:" log line, before it asks whether to restart) or from a crash
 * listener (after it asked). Prints "joined" once it reads and "disconnected" once its disconnect returned.
 */
const crashingConsumer = (when: 'crash-log' | 'crash-listener') => `
const { Kafka } = require('kafkajs');
const { kafkajsLogClient } = require(${JSON.stringify(path.join(repoRoot, 'dist/services/platform/kafka/kafka-client.js'))});
let consumer;
let crashed = false;
// A failure is printed and sets the exit code; the child still ends by itself, which is what the test waits for.
const failed = (error) => { console.error(error); process.exitCode = 1; };
const stop = () => {
  if (crashed) return;
  crashed = true;
  consumer.disconnect().then(() => process.stdout.write('disconnected\\n'), failed);
};
const logCreator = () => ({ log }) => { if (${JSON.stringify(when)} === 'crash-log' && log.message.startsWith('Crash:')) stop(); };
const kafka = new Kafka({ brokers: [process.env.BROKER], logCreator, retry: { initialRetryTime: 50, retries: 1 } });
consumer = kafkajsLogClient(kafka).consumer({ groupId: process.env.GROUP, readUncommitted: false, maxWaitTimeInMs: 100 });
consumer.onCrash(({ restart }) => { if (${JSON.stringify(when)} === 'crash-listener' && restart) stop(); });
consumer.onGroupJoin(() => process.stdout.write('joined\\n'));
(async () => {
  await consumer.connect();
  await consumer.subscribe({ topic: process.env.TOPIC, fromBeginning: true });
  await consumer.run({ eachBatch: async () => undefined });
})().catch((error) => {
  failed(error);
  return consumer.disconnect();
});
`;

test.each(['crash-log', 'crash-listener'] as const)(
  'a consumer disconnected while kafkajs handles its crash is not started again (disconnect at the %s)',
  async (when) => {
    const child = spawn(process.execPath, ['-e', crashingConsumer(when)], {
      env: {
        ...process.env,
        BROKER: `127.0.0.1:${brokerPort + 11}`,
        GROUP: `${ns.prefix}-${when}`,
        TOPIC: topic,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await eventually('the child consumer to join its group', () => stdout.includes('joined'), {
        timeoutMs: 60_000,
      });
      // The broker goes away for the child: its consumer crashes, and it disconnects itself while that is handled.
      await proxy.close();
      const code = await Promise.race([exited, stillRunningAfter(60_000)]);
      if (code !== 0) {
        const ended = code === 'still running' ? 'was still running 60 s later' : `ended with ${code}`;
        throw new Error(`the child ${ended}; it printed:\n${stdout}${stderr}`);
      }
      expect(stdout).toContain('disconnected');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      proxy = await TcpProxy.start('127.0.0.1', brokerPort + 10, brokerPort + 11);
    }
  },
  120_000,
);

/** 'still running' after `ms`: a child that has not ended by then kept something alive. */
function stillRunningAfter(ms: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve('still running'), ms).unref());
}
