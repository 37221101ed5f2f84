// The schema registry is real: an envelope from schemas/ registers, encodes, travels through Kafka and decodes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { endpoints, testNamespace } from '../../harness/namespace';
import { repoRoot } from '../../harness/infrastructure';
import { consumeUntil } from '../../harness/consume';

const { kafkaBrokers, schemaRegistryUrl } = endpoints();
const ns = testNamespace('registry');
const topic = `${ns.prefix}.commands`;
const kafka = new Kafka({ brokers: [kafkaBrokers], clientId: ns.prefix, logLevel: logLevel.NOTHING });
const admin = kafka.admin();

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

test('a Command envelope registered from schemas/ round-trips through Kafka', async () => {
  const registry = new SchemaRegistry({ host: schemaRegistryUrl });
  const schema = readFileSync(path.join(repoRoot, 'schemas', 'command.avsc'), 'utf8');
  const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: `${topic}-value` });
  const command = {
    commandId: 'cmd-1',
    correlationId: 'order-1',
    workflow: 'order-saga',
    type: 'start',
    actor: 'test',
    timestamp: 1_700_000_000_000,
    expectedSeq: null,
    sourceSeq: 7,
    body: JSON.stringify({ input: { orderId: 'order-1' } }),
  };
  const encoded = await registry.encode(id, command);
  expect(encoded.readUInt8(0)).toBe(0);
  expect(encoded.readInt32BE(1)).toBe(id);

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: command.correlationId, value: encoded }] });
  await producer.disconnect();

  const [message] = await consumeUntil(kafka, topic, (messages) => messages.length >= 1);
  expect(message!.key?.toString()).toBe('order-1');
  expect(await registry.decode(message!.value!)).toEqual(command);
});

test('an incompatible change to a registered subject is refused (BACKWARD)', async () => {
  const registry = new SchemaRegistry({ host: schemaRegistryUrl });
  const subject = `${ns.prefix}.compat-value`;
  const v1 = {
    type: 'record',
    name: 'Probe',
    namespace: 'dev.statewright.test',
    fields: [{ name: 'a', type: 'string' }],
  };
  const v2 = { ...v1, fields: [...v1.fields, { name: 'b', type: 'string' }] };
  await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
  await expect(
    registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) }, { subject }),
  ).rejects.toThrow();
});
