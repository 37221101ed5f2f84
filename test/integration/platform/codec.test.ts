// The Avro codec against the real registry: round trips of every envelope, typed decode failures, work
// continuing for known schemas while the registry is unreachable, and requests it never answers.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { commandId, correlationId, type StartCommand, type Transition } from '../../../services/core';
import {
  RegistryUnavailableError,
  UndecodableError,
  UnknownSchemaError,
} from '../../../services/platform/codec/codec-error';
import {
  fromCommandEnvelope,
  toCommandEnvelope,
  type CommandEnvelope,
} from '../../../services/platform/codec/command-envelope';
import { EnvelopeCodec } from '../../../services/platform/codec/envelope-codec';
import { readSchema, schemasDirectory } from '../../../services/platform/codec/envelope-schemas';
import {
  fromTransitionEnvelope,
  toTransitionEnvelope,
  type TransitionEnvelope,
} from '../../../services/platform/codec/transition-envelope';
import { topicNames } from '../../../services/platform/kafka/topic-names';
import { endpoints, testNamespace } from '../../harness/namespace';
import { eventually } from '../../harness/eventually';
import { TcpProxy } from '../../harness/tcp-proxy';

jest.setTimeout(60_000);

const topics = topicNames(testNamespace('codec').prefix);
const start: StartCommand = {
  type: 'start',
  commandId: commandId('c-1'),
  correlationId: correlationId('order-1'),
  workflow: 'order-saga',
  actor: 'test',
  timestamp: 1_700_000_000_000,
  expectedSeq: null,
  sourceSeq: 3,
  input: { orderId: 'o-1', nested: [1, 'two'] },
  version: null,
};

/** A producer on an older Command schema (no sourceSeq): readable by the current one, BACKWARD-compatible. */
async function legacyCommand(registryUrl: string): Promise<Buffer> {
  const registry = new SchemaRegistry({ host: registryUrl });
  const schema = readSchema('command', schemasDirectory());
  const fields = (schema.fields as { name: string }[]).filter((field) => field.name !== 'sourceSeq');
  const { id } = await registry.register(
    { type: 'AVRO' as never, schema: JSON.stringify({ ...schema, fields }) },
    { subject: `${topics.commands}-legacy-value` },
  );
  const { sourceSeq: _dropped, ...legacy } = toCommandEnvelope(start);
  return registry.encode(id, legacy);
}

test('every envelope round-trips through the registry, and commands map back to the core shape', async () => {
  const codec = await EnvelopeCodec.connect({ registryUrl: endpoints().schemaRegistryUrl, topics });
  const decoded = (await codec.decode(
    'command',
    codec.encode('command', toCommandEnvelope(start)),
  )) as CommandEnvelope;
  expect(fromCommandEnvelope(decoded)).toEqual({ ok: true, command: { ...start } });
  const record = {
    kind: 'transition',
    correlationId: 'order-1',
    workflow: 'order-saga',
    commandId: 'c-1',
    causation: null,
    actor: 'test',
    at: 1_700_000_000_000,
    seq: 1,
    event: 'start',
    from: null,
    to: 'validating',
    status: 'running',
  } as unknown as Transition;
  const transition = (await codec.decode(
    'transition',
    codec.encode('transition', toTransitionEnvelope(record)),
  )) as TransitionEnvelope;
  expect(fromTransitionEnvelope(transition)).toEqual(record);
  expect(transition).toMatchObject({ kind: 'transition', seq: 1, to: 'validating' });
  // Each subject asked by name: the registry lists only a page of all its subjects.
  const subjects = [topics.commands, topics.transitions, topics.tasks, topics.dlq].map((t) => `${t}-value`);
  const statuses = await Promise.all(
    subjects.map(async (subject) => {
      const response = await fetch(`${endpoints().schemaRegistryUrl}/subjects/${subject}/versions`);
      return [subject, response.status] as const;
    }),
  );
  expect(statuses).toEqual(subjects.map((subject) => [subject, 200]));
});

test('encodings of different sizes in turn each stand alone: a later one does not change an earlier one', async () => {
  const codec = await EnvelopeCodec.connect({ registryUrl: endpoints().schemaRegistryUrl, topics });
  const sized = (bytes: number): StartCommand => ({ ...start, input: { blob: 'x'.repeat(bytes) } });
  const small = codec.encode('command', toCommandEnvelope(sized(10)));
  const copyOfSmall = Buffer.from(small);
  // Larger than the encoder's first buffer, and then small again.
  const large = codec.encode('command', toCommandEnvelope(sized(300_000)));
  const smallAgain = codec.encode('command', toCommandEnvelope(sized(20)));
  expect(small).toEqual(copyOfSmall);
  expect(large.readUInt32BE(1)).toBe(codec.schemaId('command'));
  expect(fromCommandEnvelope((await codec.decode('command', large)) as CommandEnvelope)).toEqual({
    ok: true,
    command: sized(300_000),
  });
  expect(fromCommandEnvelope((await codec.decode('command', smallAgain)) as CommandEnvelope)).toEqual({
    ok: true,
    command: sized(20),
  });
  expect(fromCommandEnvelope((await codec.decode('command', small)) as CommandEnvelope)).toEqual({
    ok: true,
    command: sized(10),
  });
  expect(() => codec.encode('command', { commandId: 7 } as unknown as CommandEnvelope)).toThrow(
    /does not fit its schema/,
  );
});

test('decoding tells undecodable bytes from an unknown schema id', async () => {
  const codec = await EnvelopeCodec.connect({ registryUrl: endpoints().schemaRegistryUrl, topics });
  await expect(codec.decode('command', Buffer.from('not avro at all'))).rejects.toBeInstanceOf(
    UndecodableError,
  );
  const truncated = codec.encode('command', toCommandEnvelope(start)).subarray(0, 12);
  await expect(codec.decode('command', truncated)).rejects.toMatchObject({ code: 'undecodable' });
  const unknown = Buffer.alloc(10);
  unknown.writeUInt32BE(1_999_999_999, 1);
  await expect(codec.decode('command', unknown)).rejects.toBeInstanceOf(UnknownSchemaError);
});

test('with the registry unreachable, known schemas still encode and decode; unknown ones fail as retriable', async () => {
  const registryUrl = new URL(endpoints().schemaRegistryUrl);
  const proxy = await TcpProxy.start(registryUrl.hostname, Number(registryUrl.port));
  try {
    const proxied = `${registryUrl.protocol}//127.0.0.1:${proxy.port}${registryUrl.pathname}`;
    const codec = await EnvelopeCodec.connect({ registryUrl: proxied, topics });
    const legacy = await legacyCommand(endpoints().schemaRegistryUrl);
    expect(await codec.decode('command', legacy)).toMatchObject({ commandId: 'c-1', sourceSeq: null });
    await proxy.close();

    const bytes = codec.encode('command', toCommandEnvelope(start));
    expect(await codec.decode('command', bytes)).toMatchObject({ commandId: 'c-1', sourceSeq: 3 });
    expect(await codec.decode('command', legacy)).toMatchObject({ commandId: 'c-1', sourceSeq: null });
    const uncached = Buffer.from(bytes);
    uncached.writeUInt32BE(1_999_999_998, 1);
    await expect(codec.decode('command', uncached)).rejects.toBeInstanceOf(RegistryUnavailableError);
  } finally {
    await proxy.close();
  }
});

test('a registry that takes connections but never answers fails a request after its timeout, retriably', async () => {
  const registryUrl = new URL(endpoints().schemaRegistryUrl);
  const proxy = await TcpProxy.start(registryUrl.hostname, Number(registryUrl.port));
  try {
    const proxied = `${registryUrl.protocol}//127.0.0.1:${proxy.port}${registryUrl.pathname}`;
    const options = { registryUrl: proxied, topics, requestTimeoutMs: 1_000 };
    const codec = await EnvelopeCodec.connect(options);
    proxy.stall();

    await expect(EnvelopeCodec.connect(options)).rejects.toThrow(/timeout/i);
    const uncached = codec.encode('command', toCommandEnvelope(start));
    uncached.writeUInt32BE(1_999_999_997, 1);
    await expect(codec.decode('command', uncached)).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(proxy.connections).toBeGreaterThan(0);
  } finally {
    await proxy.close();
  }
});

test('a registry request that times out is made again: a start goes on once the registry answers', async () => {
  const registryUrl = new URL(endpoints().schemaRegistryUrl);
  const proxy = await TcpProxy.start(registryUrl.hostname, Number(registryUrl.port));
  try {
    const proxied = `${registryUrl.protocol}//127.0.0.1:${proxy.port}${registryUrl.pathname}`;
    proxy.stall();
    const connecting = EnvelopeCodec.connect({ registryUrl: proxied, topics, requestTimeoutMs: 1_000 });
    // The first attempt's connection is held; the second connection is the attempt made after its timeout.
    await eventually('a second attempt', () => proxy.acceptedCount >= 2);
    proxy.resume();

    const codec = await connecting;
    const bytes = codec.encode('command', toCommandEnvelope(start));
    expect(await codec.decode('command', bytes)).toMatchObject({ commandId: 'c-1' });
  } finally {
    await proxy.close();
  }
});
