// Crypto-shredding at the orchestrator against the real stack: a key request creates one data key per instance,
// the sensitive fields of every transition, task and snapshot are ciphertext, and erasure tombstones the key so
// that nothing written before or after reveals them — also after a restart that rebuilt state from the log alone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry, ERASED, type LogRecord, type Transition } from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import { toCommandEnvelope } from '../../../services/platform/codec/command-envelope';
import { keyRequestEnvelope, keyRewrapEnvelope } from '../../../services/platform/codec/key-request';
import {
  decodeKeysMessage,
  DataKeys,
  FileKeyEncryptionKey,
  generateKekLine,
  KeyTable,
  type KeysEntry,
} from '../../../services/platform/crypto';
import { protect, reveal } from '../../../services/platform/crypto/sensitive-leaves';
import { orchestratorCrypto } from '../../../services/orchestrator/crypto/orchestrator-crypto';
import type { OrchestratorCrypto } from '../../../services/orchestrator/crypto/partition-crypto';
import type { Orchestrator } from '../../../services/orchestrator/orchestrator';
import { eventually } from '../../harness/eventually';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { adminAct, cancel, ORDER_INPUT, signal, startOrder } from '../../harness/order-commands';
import { readTopicToEnd } from '../../harness/topic-reader';
import { TopicTail } from '../../harness/topic-tail';

const registry = createRegistry([orderSaga()]);
const SECRETS = [ORDER_INPUT.customer.email, ORDER_INPUT.payment.cardNumber];
const LEAVES = new Set(['email', 'cardNumber']);

jest.setTimeout(90_000);

const directory = mkdtempSync(path.join(os.tmpdir(), 'statewright-erasure-'));
const kekFile = path.join(directory, 'kek');
let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let keysTail: TopicTail<{ correlationId: string; entry: KeysEntry }>;
let table: KeyTable;
let dataKeys: DataKeys;
let orchestrator: Orchestrator | undefined;

/** A fresh crypto runtime per orchestrator start, as a new process would have. */
async function restart(kek = kekFile): Promise<void> {
  if (orchestrator) await fixture.stopOrchestrator(orchestrator);
  orchestrator = undefined;
  const crypto = (await orchestratorCrypto({
    settings: { kekFile: kek },
    registry,
    keysTopic: fixture.topics.keys,
    redis: fixture.redis,
    redisPrefix: fixture.namespace.redisPrefix,
    topicPrefix: fixture.namespace.prefix,
    logger: fixture.logger,
  })) as OrchestratorCrypto;
  orchestrator = await fixture.startOrchestrator(registry, { crypto });
}

async function publishRaw(key: string, value: Buffer): Promise<void> {
  const producer = fixture.kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic: fixture.topics.commands, messages: [{ key, value }] });
  } finally {
    await producer.disconnect();
  }
}

/** What the gateway does: ask for the instance's key, wait for it, then publish the start encrypted with it. */
async function startEncrypted(id: string): Promise<Buffer> {
  await publishRaw(
    id,
    fixture.codec.encode('command', keyRequestEnvelope(id, 'order-saga', 'test', Date.now())),
  );
  await table.waitFor(id, 20_000);
  const dataKey = await dataKeys.resolve(id);
  if (!Buffer.isBuffer(dataKey)) throw new Error(`no data key for ${id}`);
  const command = startOrder(id, protect(ORDER_INPUT, LEAVES, { dataKey, aad: id }));
  await publishRaw(id, fixture.codec.encode('command', toCommandEnvelope(command)));
  return dataKey;
}

const transitionsOf = (id: string) =>
  transitions.values().filter((r): r is Transition => r.correlationId === id && r.kind === 'transition');

async function rawTopics(): Promise<string[]> {
  const topics = Object.values(fixture.topics);
  const all = await Promise.all(topics.map((topic) => readTopicToEnd(fixture.kafka, topic)));
  return all.flatMap((byPartition) =>
    [...byPartition.values()]
      .flat()
      .map((m) => `${m.key?.toString('latin1')}|${m.value?.toString('latin1')}`),
  );
}

async function redisValues(): Promise<string[]> {
  const keys = await fixture.redis.keys(`${fixture.namespace.redisPrefix}:*`);
  const values = await Promise.all(
    keys.map(async (key) => {
      const type = await fixture.redis.type(key);
      if (type === 'hash') return JSON.stringify(await fixture.redis.hgetall(key));
      if (type === 'string') return (await fixture.redis.get(key)) ?? '';
      return '';
    }),
  );
  return values;
}

const leaks = (texts: readonly string[]) => texts.filter((text) => SECRETS.some((s) => text.includes(s)));

beforeAll(async () => {
  writeFileSync(kekFile, `${generateKekLine('kek-1')}\n`, { mode: 0o600 });
  fixture = await OrchestratorFixture.create('orchestrator-erasure');
  const kek = await FileKeyEncryptionKey.load(kekFile);
  table = await KeyTable.start({ log: fixture.log, topic: fixture.topics.keys, logger: fixture.logger });
  await table.ready();
  dataKeys = new DataKeys({
    kek,
    table,
    logger: fixture.logger,
    redisPrefix: fixture.namespace.redisPrefix,
    topicPrefix: fixture.namespace.prefix,
  });
  transitions = await fixture.tailTransitions();
  keysTail = await TopicTail.start(fixture.kafka, fixture.topics.keys, async (m) => decodeKeysMessage(m));
  await restart();
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), keysTail?.stop(), table?.stop()]);
  await fixture?.close();
  rmSync(directory, { recursive: true, force: true });
});

test('a key request makes one key; transitions carry ciphertext that the instance key opens', async () => {
  const key = await startEncrypted('er-keep');
  await publishRaw(
    'er-keep',
    fixture.codec.encode('command', keyRequestEnvelope('er-keep', 'order-saga', 'test', Date.now())),
  );
  const note = signal('er-keep', 'customer-note', { note: 'after the second key request' });
  await fixture.publisher.publish(note);
  await transitions.waitFor('the note after the second request', (r) => r.commandId === note.commandId);
  const started = await transitions.waitFor('er-keep started', (r) => r.correlationId === 'er-keep');
  const context = (started as Transition).context;
  expect(JSON.stringify(context)).not.toContain(ORDER_INPUT.customer.email);
  expect(reveal(context, { dataKey: key, aad: 'er-keep' })).toMatchObject({
    customer: { email: ORDER_INPUT.customer.email },
    payment: { cardNumber: ORDER_INPUT.payment.cardNumber },
  });
  expect(keysTail.values().filter((k) => k.correlationId === 'er-keep')).toHaveLength(1);
});

test('erasure tombstones the key: no plaintext anywhere before or after, also once Redis is wiped and state rebuilt', async () => {
  await startEncrypted('er-gone');
  await transitions.waitFor('er-gone started', (r) => r.correlationId === 'er-gone');
  expect(leaks(await rawTopics())).toEqual([]);

  await fixture.publisher.publish(adminAct('er-gone', 'erase'));
  await keysTail.waitFor('the tombstone', (k) => k.correlationId === 'er-gone' && k.entry.kind === 'erased');
  await transitions.waitFor(
    'the erase',
    (r) => r.correlationId === 'er-gone' && r.kind === 'transition' && r.event === 'erase',
  );
  expect(await dataKeys.resolve('er-gone')).toBe('erased');

  await fixture.deleteRedisKeys();
  await restart();
  await fixture.publisher.publish(signal('er-gone', 'address-changed', { address: '2 High St' }));
  await fixture.publisher.publish(signal('er-keep', 'address-changed', { address: '3 Low St' }));
  const gone = await eventually('er-gone moved after the restart', () =>
    transitionsOf('er-gone').find((t) => t.event === 'address-changed'),
  );
  expect(gone.context).toMatchObject({ customer: { email: ERASED }, payment: { cardNumber: ERASED } });
  const kept = await eventually('er-keep moved after the restart', () =>
    transitionsOf('er-keep').find((t) => t.event === 'address-changed'),
  );
  const keepKey = await dataKeys.resolve('er-keep');
  expect(Buffer.isBuffer(keepKey)).toBe(true);
  expect(reveal(kept.context, { dataKey: keepKey as Buffer, aad: 'er-keep' })).toMatchObject({
    customer: { email: ORDER_INPUT.customer.email },
    address: '3 Low St',
  });
  for (const record of transitionsOf('er-gone')) {
    expect(reveal(record.context, 'erased')).toMatchObject({ customer: { email: ERASED } });
  }
  await eventually('snapshots written again', async () =>
    (await fixture.redis.keys(`${fixture.namespace.redisPrefix}:*`)).length > 0 ? true : undefined,
  );
  expect(leaks(await rawTopics())).toEqual([]);
  expect(leaks(await redisValues())).toEqual([]);
});

test('an instance purged from the hot set can still be erased: its key is tombstoned', async () => {
  await startEncrypted('er-purged');
  await transitions.waitFor('er-purged started', (r) => r.correlationId === 'er-purged');
  await fixture.publisher.publish(cancel('er-purged'));
  await transitions.waitFor(
    'er-purged cancelled',
    (r) => r.correlationId === 'er-purged' && r.kind === 'transition' && r.status === 'cancelled',
  );
  await fixture.publisher.publish(adminAct('er-purged', 'purge'));
  await transitions.waitFor(
    'er-purged purged',
    (r) => r.correlationId === 'er-purged' && r.kind === 'purged',
  );
  await fixture.publisher.publish(adminAct('er-purged', 'erase'));
  await keysTail.waitFor(
    'the tombstone',
    (k) => k.correlationId === 'er-purged' && k.entry.kind === 'erased',
  );
  expect(await dataKeys.resolve('er-purged')).toBe('erased');
});

test('KEK rotation rewraps live keys through the orchestrator, skips erased ones and leaves the log alone', async () => {
  const oldLine = readFileSync(kekFile, 'utf8').trim();
  const rotated = path.join(directory, 'kek-rotated');
  writeFileSync(rotated, `${generateKekLine('kek-2')}\n${oldLine}\n`, { mode: 0o600 });
  await restart(rotated);
  const before = await dataKeys.resolve('er-keep');
  const logSize = transitions.values().length;
  for (const id of ['er-keep', 'er-gone']) {
    await publishRaw(
      id,
      fixture.codec.encode('command', keyRewrapEnvelope(id, 'statewright.keys', 'ops', Date.now())),
    );
  }
  const entry = await keysTail.waitFor(
    'er-keep rewrapped',
    (k) => k.correlationId === 'er-keep' && k.entry.kind === 'key' && k.entry.kekId === 'kek-2',
  );
  expect(entry.entry.kind).toBe('key');
  const note = signal('er-gone', 'customer-note', { note: 'after the rewrap' });
  await fixture.publisher.publish(note);
  await transitions.waitFor('a command after the rewraps', (r) => r.commandId === note.commandId);
  expect(
    keysTail
      .values()
      .filter((k) => k.correlationId === 'er-gone')
      .map((k) => k.entry.kind),
  ).toEqual(['key', 'erased']);
  const reader = new DataKeys({
    kek: await FileKeyEncryptionKey.load(rotated),
    table,
    logger: fixture.logger,
    redisPrefix: fixture.namespace.redisPrefix,
    topicPrefix: fixture.namespace.prefix,
  });
  await eventually('the table to hold the rewrapped key', () => {
    const known = table.lookup('er-keep');
    return known?.kind === 'key' && known.kekId === 'kek-2' ? true : undefined;
  });
  expect(await reader.resolve('er-keep')).toEqual(before);
  expect(transitions.values().length).toBe(logSize + 1);
});
