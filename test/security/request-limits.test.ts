// Limits a caller is held to at the gateway: how many `?wait` requests it may hold open, and how deep the JSON
// it sends may nest. A refused request publishes nothing and never answers 500.
import { randomUUID } from 'node:crypto';
import { MAX_JSON_DEPTH } from '../../services/core';
import { clientCommandId } from '../../services/gateway/commands/client-command-id';
import { consumeUntil } from '../harness/consume';
import { startFixture, type GatewayFixture } from '../integration/gateway/gateway-fixture';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startFixture('sec-limits', 1, {
    GATEWAY_MAX_WAITERS: '3',
    GATEWAY_MAX_WAITERS_PER_CALLER: '2',
    GATEWAY_MAX_INPUT_BYTES: '4096',
  });
});

afterAll(async () => {
  await fixture?.stop();
});

const order = (id: string, address: unknown = '1 Main St') => ({
  orderId: id,
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 1 }],
  amount: 10,
  payment: { cardNumber: '4111111111111111' },
  address,
});

const start = (actor: string, key: string, wait: number, input: unknown = order(key)) =>
  fixture.call({
    method: 'POST',
    url: `/workflows/order-saga/instances${wait > 0 ? `?wait=${wait}` : ''}`,
    headers: { 'idempotency-key': key, 'x-actor': actor },
    payload: { correlationId: `limits-${key}`, input },
  });

test('a caller holds at most its share of waiting requests, and all callers together at most the total', async () => {
  // No orchestrator decides these commands: each waiting request holds its slot for the whole wait.
  const holding = [start('alice', `a1-${randomUUID()}`, 3_000), start('alice', `a2-${randomUUID()}`, 3_000)];
  const keys = ['a1', 'a2'];
  await consumeUntil(
    fixture.kafka,
    fixture.topics.commands,
    (read) => keys.every((key) => read.some((m) => m.key?.toString().startsWith(`limits-${key}-`))),
    { timeoutMs: 20_000 },
  );
  const third = `a3-${randomUUID()}`;
  const refused = await start('alice', third, 3_000);
  expect(refused.statusCode).toBe(429);
  expect(refused.json().error).toMatchObject({ code: 'too-many-waiters' });
  expect(refused.headers.get('retry-after')).toBe('1');
  const other = start('bob', `b1-${randomUUID()}`, 3_000);
  await consumeUntil(
    fixture.kafka,
    fixture.topics.commands,
    (read) => read.some((m) => m.key?.toString().startsWith('limits-b1-')),
    { timeoutMs: 20_000 },
  );
  const overall = await start('carol', `c1-${randomUUID()}`, 3_000);
  expect(overall.statusCode).toBe(429);
  for (const answer of await Promise.all([...holding, other])) expect(answer.statusCode).toBe(202);
  // Nothing was published for the refused request: the same key is free, and now admitted.
  const published = await consumeUntil(fixture.kafka, fixture.topics.commands, (read) => read.length >= 3);
  const refusedId = clientCommandId('alice', third);
  expect(published.filter((m) => m.value?.includes(refusedId))).toEqual([]);
  expect((await start('alice', third, 0)).statusCode).toBe(202);
});

/** A start whose address nests `levels` deep, written as text: the client's own JSON.stringify would overflow. */
const deepStart = (levels: number) =>
  fixture.call({
    method: 'POST',
    url: '/workflows/order-saga/instances',
    headers: { 'idempotency-key': `deep-${levels}-${randomUUID()}`, 'content-type': 'application/json' },
    raw: JSON.stringify({ correlationId: `deep-${levels}`, input: order('deep', '@') }).replace(
      '"@"',
      `${'{"a":'.repeat(levels)}"leaf"${'}'.repeat(levels)}`,
    ),
  });

test('JSON nested deeper than the limit is a 400 naming the limit, however deep', async () => {
  // Within the limit the body is validated as usual (an address must be a string).
  expect((await deepStart(MAX_JSON_DEPTH - 8)).json().error).toMatchObject({ code: 'invalid-input' });
  for (const levels of [MAX_JSON_DEPTH + 1, 1_000, 10_000]) {
    const answer = await deepStart(levels);
    expect({ levels, status: answer.statusCode }).toEqual({ levels, status: 400 });
    expect(answer.json().error).toMatchObject({ code: 'too-deep', details: { maxDepth: MAX_JSON_DEPTH } });
  }
});

test('an input too large to be copied into a record safely is a 413 before anything is published', async () => {
  const answer = await start('erin', `big-${randomUUID()}`, 0, order('big', 'x'.repeat(5_000)));
  expect(answer.statusCode).toBe(413);
  expect(answer.json().error).toMatchObject({ code: 'input-too-large', details: { limit: 4096 } });
  expect(
    (await start('erin', `small-${randomUUID()}`, 0, order('small', 'x'.repeat(1_000)))).statusCode,
  ).toBe(202);
});
