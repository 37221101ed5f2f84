// The compiled statewright command: diagrams, record-and-replay against a real transitions topic, and the
// documented exit codes for bad input.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { EMPTY_ENVIRONMENT, type Instance, type LogRecord, type TaskRequest } from '../../../services/core';
import { EnvelopeCodec } from '../../../services/platform/codec/envelope-codec';
import { toTransitionEnvelope } from '../../../services/platform/codec/transition-envelope';
import { provisionTopics } from '../../../services/platform/kafka/topic-provisioner';
import { topicNames } from '../../../services/platform/kafka/topic-names';
import { exampleRegistry } from '../../harness/examples';
import { endpoints, testNamespace } from '../../harness/namespace';
import { buildCli, statewright } from './cli-process';
import { decideRaw } from '../../harness/decide-raw';

const { kafkaBrokers, schemaRegistryUrl } = endpoints();
const ns = testNamespace('cli');
const topics = topicNames(ns.prefix);
const kafka = new Kafka({ brokers: [kafkaBrokers], clientId: ns.prefix, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'statewright-cli-'));
  await admin.connect();
  await provisionTopics(admin, topics, { partitions: 2, transitionsRetentionMs: -1 });
  await buildCli();
}, 180_000);

afterAll(async () => {
  await admin.deleteTopics({ topics: Object.values(topics) });
  await admin.disconnect();
  for (const topic of Object.values(topics)) {
    const subject = encodeURIComponent(`${topic}-value`);
    for (const suffix of ['', '?permanent=true']) {
      await fetch(`${schemaRegistryUrl}/subjects/${subject}${suffix}`, { method: 'DELETE' });
    }
  }
  await rm(directory, { recursive: true, force: true });
});

const kafkaArgs = () => ['--brokers', kafkaBrokers, '--registry', schemaRegistryUrl, '--prefix', ns.prefix];

const order = {
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 2 }],
  amount: 40,
  payment: { cardNumber: '4111111111111111' },
  address: '1 Main St',
};

/** An order saga run to completion by the pure core, plus one that gets cancelled: their log records. */
function sagaLog(correlationId: string, cancel: boolean): LogRecord[] {
  const registry = exampleRegistry();
  let instance: Instance | undefined;
  let n = 0;
  const records: LogRecord[] = [];
  const tasks: TaskRequest[] = [];
  const send = (command: Record<string, unknown>) => {
    n += 1;
    const envelope = {
      commandId: `${correlationId}-${n}`,
      correlationId,
      workflow: 'order-saga',
      actor: 'test',
    };
    const step = decideRaw(
      registry,
      instance,
      { ...envelope, timestamp: 1_700_000_000_000 + n, ...command },
      1_700_000_000_000 + n,
      EMPTY_ENVIRONMENT,
    );
    instance = step.instance;
    records.push(...step.records);
    tasks.push(...step.tasks);
  };
  const succeed = (type: string, output: Record<string, string>) => {
    const task = [...tasks].reverse().find((t) => t.type === type)!;
    send({
      commandId: task.runId,
      type: 'task-result',
      taskId: task.taskId,
      runId: task.runId,
      outcome: { kind: 'succeeded', output },
    });
  };
  send({ type: 'start', input: order });
  send({ type: 'signal', event: 'fraud-detected', payload: { score: 0.1 } });
  succeed('validate-order', {});
  succeed('reserve-inventory', { reservationId: 'r-1' });
  succeed('authorize-payment', { authorizationId: 'a-1' });
  if (cancel) send({ type: 'cancel', reason: 'changed my mind' });
  else succeed('ship-order', { shipmentId: 's-1' });
  return records;
}

test('diagram prints Mermaid by default and DOT on request', async () => {
  const mermaid = await statewright(['diagram', 'order-saga']);
  expect(mermaid.code).toBe(0);
  expect(mermaid.stdout).toMatch(/^stateDiagram-v2\n {2}\[\*\] --> validating/);
  const dot = await statewright(['diagram', 'bench-flow', '--format', 'dot']);
  expect(dot.code).toBe(0);
  expect(dot.stdout).toContain('digraph "bench-flow@1"');
});

test('record writes the committed transitions log; replay says OK for it and MISMATCH for a tampered copy', async () => {
  const producer = kafka.producer({
    transactionalId: `${ns.prefix}.tx`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
    for (const [id, cancel] of [
      ['order-a', false],
      ['order-b', true],
    ] as const) {
      const transaction = await producer.transaction();
      const messages = sagaLog(id, cancel).map((record) => ({
        key: record.correlationId,
        value: codec.encode('transition', toTransitionEnvelope(record)),
      }));
      await transaction.send({ topic: topics.transitions, messages });
      await transaction.commit();
    }
  } finally {
    await producer.disconnect();
  }
  const file = path.join(directory, 'transitions.jsonl');
  const recorded = await statewright(['record', '--out', file, ...kafkaArgs()]);
  expect({ code: recorded.code, stderr: recorded.stderr }).toMatchObject({ code: 0 });
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  expect(lines.length).toBe(sagaLog('order-a', false).length + sagaLog('order-b', true).length);

  const replayed = await statewright(['replay', file]);
  expect(replayed.stdout).toContain('OK order-a');
  expect(replayed.stdout).toMatch(/OK order-a .*state=completed status=completed/);
  expect(replayed.stdout).toMatch(/OK order-b .*state=cancelling status=running/);
  expect(replayed.code).toBe(0);

  const lastOfA = lines
    .map((line) => JSON.parse(line))
    .filter((l) => l.correlationId === 'order-a')
    .at(-1);
  const tampered = lines.map((line) => {
    const parsed = JSON.parse(line);
    return parsed.correlationId === 'order-a' &&
      parsed.offset === lastOfA.offset &&
      parsed.partition === lastOfA.partition
      ? JSON.stringify({ ...parsed, to: 'failed', status: 'failed' })
      : line;
  });
  const tamperedFile = path.join(directory, 'tampered.jsonl');
  await writeFile(tamperedFile, `${tampered.join('\n')}\n`);
  const mismatch = await statewright(['replay', tamperedFile]);
  expect(mismatch.code).toBe(1);
  expect(mismatch.stdout).toMatch(/MISMATCH order-a/);
  expect(mismatch.stdout).toMatch(/OK order-b/);

  const gapFile = path.join(directory, 'gap.jsonl');
  const firstTransitionOfB = lines.findIndex(
    (line) => JSON.parse(line).correlationId === 'order-b' && JSON.parse(line).seq === 2,
  );
  await writeFile(gapFile, lines.filter((_, index) => index !== firstTransitionOfB).join('\n'));
  const gap = await statewright(['replay', gapFile]);
  expect(gap.code).toBe(1);
  expect(gap.stdout).toMatch(
    /MISMATCH order-b .*transition seq 3 leaves reserving but the instance is in validating/,
  );
});

test('bad input gets a clear message and the usage exit code', async () => {
  const unknown = await statewright(['diagram', 'no-such-flow']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown workflow no-such-flow; known: bench-flow, order-saga');

  const badJson = await statewright([
    'start',
    'order-saga',
    '--input',
    '{nope',
    '--gateway',
    'http://127.0.0.1:9',
  ]);
  expect(badJson.code).toBe(2);
  expect(badJson.stderr).toContain('--input is not valid JSON');

  const missing = await statewright(['replay', path.join(directory, 'absent.jsonl')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('cannot read');

  const garbage = path.join(directory, 'garbage.jsonl');
  await writeFile(garbage, '{"kind": "transition", "correlationId": "x"}\nnot json\n');
  const notJson = await statewright(['replay', garbage]);
  expect(notJson.code).toBe(2);
  expect(notJson.stderr).toContain('garbage.jsonl:2: not JSON');

  const noGateway = await statewright(['get', 'x', '--gateway', 'http://127.0.0.1:9']);
  expect(noGateway.code).toBe(3);
  expect(noGateway.stderr).toContain('did not answer');
});
