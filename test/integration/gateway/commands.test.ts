// Command routes against the real stack: one Command envelope per Idempotency-Key, replays answer the same,
// a reused key with another body is a 409, and `?wait` answers with the outcome once the projection has it.
import { randomUUID } from 'node:crypto';
import type { CommandEnvelope } from '../../../services/platform/codec/command-envelope';
import { consumeUntil } from '../../harness/consume';
import { startFixture, type GatewayFixture } from './gateway-fixture';
import { startOrchestratorStandIn, type StandIn } from './orchestrator-stand-in';
import { clientCommandId } from '../../../services/gateway/commands/client-command-id';

const order = (orderId: string) => ({
  orderId,
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 2 }],
  amount: 40,
  payment: { cardNumber: '4111111111111111' },
  address: '1 Main St',
});

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startFixture('gw-commands');
});

afterAll(async () => {
  await fixture?.stop();
});

const start = (key: string, body: unknown, query = '') =>
  fixture.call({
    method: 'POST',
    url: `/workflows/order-saga/instances${query}`,
    headers: { 'idempotency-key': key, 'x-actor': 'alice' },
    payload: body as object,
  });

async function commandsOnTopic(): Promise<CommandEnvelope[]> {
  const admin = fixture.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(fixture.topics.commands).finally(() => admin.disconnect());
  const total = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  const messages = await consumeUntil(fixture.kafka, fixture.topics.commands, (read) => read.length >= total);
  return Promise.all(
    messages.map(async (m) => (await fixture.codec.decode('command', m.value)) as CommandEnvelope),
  );
}

test('a start publishes exactly one Command envelope whose commandId is derived from the caller and the Idempotency-Key, even when repeated', async () => {
  const key = `key-${randomUUID()}`;
  const body = { correlationId: `order-${randomUUID()}`, input: order('o-1') };
  const responses = [];
  for (let i = 0; i < 5; i++) responses.push(await start(key, body));
  for (const response of responses) {
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({
      status: 'accepted',
      commandId: clientCommandId('alice', key),
      correlationId: body.correlationId,
      workflow: 'order-saga',
    });
  }
  const published = (await commandsOnTopic()).filter((c) => c.commandId === clientCommandId('alice', key));
  expect(published).toHaveLength(1);
  expect(published[0]).toMatchObject({
    commandId: clientCommandId('alice', key),
    correlationId: body.correlationId,
    workflow: 'order-saga',
    type: 'start',
    actor: 'alice',
    expectedSeq: null,
  });
  expect(JSON.parse(published[0]!.body)).toEqual({ input: body.input, version: null });
});

test('a start without correlationId gets one generated, and its replays return that same id', async () => {
  const key = `key-${randomUUID()}`;
  const first = await start(key, { input: order('o-2') });
  const again = await start(key, { input: order('o-2') });
  expect(first.statusCode).toBe(202);
  expect(first.json().correlationId).toMatch(/^[0-9a-f-]{36}$/);
  expect(again.json()).toEqual(first.json());
});

test('the same Idempotency-Key with a different body is a 409 and publishes nothing', async () => {
  const key = `key-${randomUUID()}`;
  const correlationId = `order-${randomUUID()}`;
  expect((await start(key, { correlationId, input: order('o-3') })).statusCode).toBe(202);
  const conflict = await start(key, { correlationId, input: order('o-4') });
  expect(conflict.statusCode).toBe(409);
  expect(conflict.json().error).toMatchObject({ code: 'idempotency-key-reused' });
  expect(conflict.json().error.message).toContain('different request');
  const published = (await commandsOnTopic()).filter((c) => c.commandId === clientCommandId('alice', key));
  expect(published).toHaveLength(1);
});

describe('with an orchestrator deciding the commands', () => {
  let standIn: StandIn;

  beforeAll(async () => {
    standIn = await startOrchestratorStandIn(fixture);
  });

  afterAll(async () => {
    await standIn?.stop();
  });

  test('?wait answers 200 with the outcome and the redacted instance once the projection sees the record', async () => {
    const key = `key-${randomUUID()}`;
    const correlationId = `order-${randomUUID()}`;
    const response = await start(key, { correlationId, input: order('o-5') }, '?wait=20000');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'resolved',
      commandId: clientCommandId('alice', key),
      correlationId,
    });
    expect(body.outcome).toEqual({ kind: 'applied', seq: 1 });
    expect(body.instance).toMatchObject({ state: 'validating', seq: 1, status: 'running' });
    expect(body.instance.context.customer.email).toBe('[redacted]');

    const replay = await start(key, { correlationId, input: order('o-5') });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().outcome).toEqual({ kind: 'applied', seq: 1 });
  });

  test('a rejected signal is answered with its rejection; a cancel with its transition', async () => {
    const correlationId = `order-${randomUUID()}`;
    const started = await start(`key-${randomUUID()}`, { correlationId, input: order('o-6') }, '?wait=20000');
    expect(started.statusCode).toBe(200);
    const fraud = await fixture.call({
      method: 'POST',
      url: `/instances/${correlationId}/signals/fraud-detected?wait=20000`,
      headers: { 'idempotency-key': `key-${randomUUID()}` },
      payload: { score: 0.1 },
    });
    expect(fraud.statusCode).toBe(200);
    expect(fraud.json().outcome).toMatchObject({ kind: 'rejected', reason: { code: 'guard-rejected' } });
    const cancel = await fixture.call({
      method: 'POST',
      url: `/instances/${correlationId}/cancel?wait=20000`,
      headers: { 'idempotency-key': `key-${randomUUID()}` },
      payload: { reason: 'customer asked' },
    });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().outcome).toEqual({ kind: 'applied', seq: 2 });
    expect(cancel.json().instance).toMatchObject({ status: 'cancelled' });
  });

  test('?wait on a signal for an instance that does not exist is a 404 before anything is published', async () => {
    const response = await fixture.call({
      method: 'POST',
      url: `/instances/nobody-${randomUUID()}/signals/fraud-detected?wait=1000`,
      headers: { 'idempotency-key': `key-${randomUUID()}` },
      payload: { score: 1 },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('unknown-instance');
  });
});
