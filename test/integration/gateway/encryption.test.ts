// Crypto-shredding at the gateway, against the real stack with a KEK file: a start's sensitive fields leave the
// gateway encrypted under a per-instance key it asked the orchestrator for (played by the test), the
// Idempotency-Key still stands for the plaintext request, and once a key is erased its instance reads `[erased]`.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import type { JsonValue } from '../../../services/core';
import type { CommandEnvelope } from '../../../services/platform/codec/command-envelope';
import { KEY_REQUEST } from '../../../services/platform/codec/key-request';
import { generateKekLine, isEncrypted } from '../../../services/platform/crypto';
import { reveal } from '../../../services/platform/crypto/sensitive-leaves';
import { consumeUntil } from '../../harness/consume';
import { eventually } from '../../harness/eventually';
import { startFixture, type GatewayFixture } from './gateway-fixture';
import { startKeyIssuer, type KeyIssuer } from './key-issuer';
import { startOrchestratorStandIn, type StandIn } from './orchestrator-stand-in';
import { clientCommandId } from '../../../services/gateway/commands/client-command-id';

const CARD = '4111111111111111';
const EMAIL = 'ada@example.com';
const order = (orderId: string) => ({
  orderId,
  customer: { id: 'c-1', email: EMAIL },
  items: [{ sku: 'book', quantity: 2 }],
  amount: 40,
  payment: { cardNumber: CARD },
  address: '1 Main St',
});

let dir: string;
let fixture: GatewayFixture;
let issuer: KeyIssuer;
let standIn: StandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statewright-kek-'));
  const kekFile = join(dir, 'kek');
  await writeFile(kekFile, `${generateKekLine('kek-test')}\n`, { mode: 0o600 });
  fixture = await startFixture('gw-encryption', 2, { STATEWRIGHT_KEK_FILE: kekFile });
  issuer = await startKeyIssuer(fixture, kekFile);
  standIn = await startOrchestratorStandIn(fixture);
});

afterAll(async () => {
  await standIn?.stop();
  await issuer?.stop();
  await fixture?.stop();
  await rm(dir, { recursive: true, force: true });
});

const start = (key: string, body: unknown, query = '') =>
  fixture.call({
    method: 'POST',
    url: `/workflows/order-saga/instances${query}`,
    headers: { 'idempotency-key': key, 'x-actor': 'alice' },
    payload: body as object,
  });

interface Published {
  readonly raw: KafkaMessage;
  readonly envelope: CommandEnvelope;
}

/** Everything on the commands topic so far (acknowledged commands included), decoded, with the raw bytes. */
async function commandsOnTopic(): Promise<Published[]> {
  const admin = fixture.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(fixture.topics.commands).finally(() => admin.disconnect());
  const total = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  const messages = await consumeUntil(fixture.kafka, fixture.topics.commands, (read) => read.length >= total);
  return Promise.all(
    messages.map(async (raw) => ({
      raw,
      envelope: (await fixture.codec.decode('command', raw.value)) as CommandEnvelope,
    })),
  );
}

const inputOf = (published: Published): JsonValue =>
  (JSON.parse(published.envelope.body) as { input: JsonValue }).input;

test('a start leaves the gateway with its card number and email encrypted under the key it asked for', async () => {
  const key = `key-${randomUUID()}`;
  const correlationId = `order-${randomUUID()}`;
  const response = await start(key, { correlationId, input: order('o-1') });
  expect(response.statusCode).toBe(202);

  const published = (await commandsOnTopic()).filter((p) => p.envelope.correlationId === correlationId);
  expect(published.map((p) => p.envelope.type)).toEqual([KEY_REQUEST, 'start']);
  expect(published[0]!.envelope.actor).toBe('alice');
  expect(published[0]!.envelope.commandId.startsWith(`${KEY_REQUEST}:${correlationId}`)).toBe(true);
  const started = published[1]!;
  expect(started.raw.value!.includes(CARD)).toBe(false);
  expect(started.raw.value!.includes(EMAIL)).toBe(false);
  const input = inputOf(started) as ReturnType<typeof order>;
  expect(isEncrypted(input.customer.email)).toBe(true);
  expect(isEncrypted(input.payment.cardNumber)).toBe(true);
  expect(input).toMatchObject({ orderId: 'o-1', customer: { id: 'c-1' }, address: '1 Main St' });
  const dataKey = issuer.keyOf(correlationId)!;
  expect(reveal(input, { dataKey, aad: correlationId })).toEqual(order('o-1'));
});

test('each instance gets its own key, and its tokens do not open under the key of another', async () => {
  const [first, second] = [`order-${randomUUID()}`, `order-${randomUUID()}`];
  for (const correlationId of [first, second])
    expect((await start(`key-${randomUUID()}`, { correlationId, input: order('o-2') })).statusCode).toBe(202);
  const [one, two] = [issuer.keyOf(first)!, issuer.keyOf(second)!];
  expect(one.equals(two)).toBe(false);
  const started = (await commandsOnTopic()).find(
    (p) => p.envelope.correlationId === second && p.envelope.type === 'start',
  )!;
  expect(() => reveal(inputOf(started), { dataKey: one, aad: second })).toThrow(/failed authentication/);
});

test('the Idempotency-Key stands for the plaintext request: a replay answers alike, another body conflicts', async () => {
  const key = `key-${randomUUID()}`;
  const correlationId = `order-${randomUUID()}`;
  const first = await start(key, { correlationId, input: order('o-3') });
  const replay = await start(key, { correlationId, input: order('o-3') });
  for (const response of [first, replay]) {
    expect([200, 202]).toContain(response.statusCode);
    expect(response.json()).toMatchObject({ commandId: clientCommandId('alice', key), correlationId });
  }
  const other = await start(key, { correlationId, input: order('o-4') });
  expect(other.statusCode).toBe(409);
  expect(other.json().error.code).toBe('idempotency-key-reused');
  const starts = (await commandsOnTopic()).filter(
    (p) => p.envelope.commandId === clientCommandId('alice', key),
  );
  expect(starts).toHaveLength(1);
  expect(issuer.requestsFor(correlationId)).toBe(1);
});

test('without a key in time a start is a retriable 503, and a retry with the same Idempotency-Key succeeds', async () => {
  const key = `key-${randomUUID()}`;
  const correlationId = `order-${randomUUID()}`;
  issuer.withhold(correlationId);
  const refused = await start(key, { correlationId, input: order('o-5') });
  expect(refused.statusCode).toBe(503);
  expect(refused.json().error.code).toBe('key-unavailable');
  expect(refused.headers.get('retry-after')).toBe('1');
  await issuer.release(correlationId);
  const retried = await start(key, { correlationId, input: order('o-5') });
  expect(retried.statusCode).toBe(202);
  const starts = (await commandsOnTopic()).filter(
    (p) => p.envelope.commandId === clientCommandId('alice', key),
  );
  expect(starts).toHaveLength(1);
});

test('once its key is erased an instance reads [erased] where another still reads [redacted]', async () => {
  const [erased, kept] = [`order-${randomUUID()}`, `order-${randomUUID()}`];
  for (const correlationId of [erased, kept]) {
    const started = await start(`key-${randomUUID()}`, { correlationId, input: order('o-6') }, '?wait=20000');
    expect(started.statusCode).toBe(200);
    expect(started.json().instance.context.customer.email).toBe('[redacted]');
  }
  await issuer.erase(erased);

  const view = await eventually(`${erased} to read [erased]`, async () => {
    const response = await fixture.call({ method: 'GET', url: `/instances/${erased}` });
    return response.json().context.customer.email === '[erased]' && response;
  });
  expect(view.json().context.payment.cardNumber).toBe('[erased]');
  expect(view.body).not.toContain('sw:enc:v1:');
  const history = await fixture.call({ method: 'GET', url: `/instances/${erased}/history` });
  expect(history.json().records[0].context.customer.email).toBe('[erased]');
  expect(history.body).not.toContain('sw:enc:v1:');

  const other = await fixture.call({ method: 'GET', url: `/instances/${kept}` });
  expect(other.json().context.customer.email).toBe('[redacted]');
  expect(other.json().context.payment.cardNumber).toBe('[redacted]');
  for (const response of [view, history, other]) {
    expect(response.body).not.toContain(CARD);
    expect(response.body).not.toContain(EMAIL);
  }
});

test('an erased instance refuses sensitive data (409) and its ?wait answers show [erased]', async () => {
  const correlationId = `order-${randomUUID()}`;
  expect(
    (await start(`key-${randomUUID()}`, { correlationId, input: order('o-7') }, '?wait=20000')).statusCode,
  ).toBe(200);
  await issuer.erase(correlationId);
  const restart = await eventually('a start of the erased instance to be refused', async () => {
    const response = await start(`key-${randomUUID()}`, { correlationId, input: order('o-7') });
    return response.statusCode === 409 && response;
  });
  expect(restart.json().error.code).toBe('erased');

  const signal = await fixture.call({
    method: 'POST',
    url: `/instances/${correlationId}/signals/address-changed?wait=20000`,
    headers: { 'idempotency-key': `key-${randomUUID()}` },
    payload: { address: '2 High St' },
  });
  expect(signal.statusCode).toBe(200);
  expect(signal.json().instance.context).toMatchObject({
    address: '2 High St',
    customer: { email: '[erased]' },
    payment: { cardNumber: '[erased]' },
  });
});
