// The projection folds real Transition envelopes from the transitions topic into the read model; GET answers
// from it with the definition's sensitive fields redacted, and a record seen twice changes nothing.
import { randomUUID } from 'node:crypto';
import { EMPTY_ENVIRONMENT, type Instance, type LogRecord } from '../../../services/core';
import { exampleRegistry } from '../../harness/examples';
import { startFixture, type GatewayFixture } from './gateway-fixture';
import { clientCommandId } from '../../../services/gateway/commands/client-command-id';
import { decideRaw } from '../../harness/decide-raw';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startFixture('gw-instances');
});

afterAll(async () => {
  await fixture?.stop();
});

const registry = exampleRegistry();

/** Decides commands with the pure core, as the orchestrator would, and returns the records to produce. */
function decideAll(correlationId: string, commands: Record<string, unknown>[]): LogRecord[] {
  let instance: Instance | undefined;
  const records: LogRecord[] = [];
  commands.forEach((command, index) => {
    const envelope = {
      commandId: `${correlationId}-c${index}`,
      correlationId,
      workflow: 'order-saga',
      actor: 'test',
    };
    const step = decideRaw(
      registry,
      instance,
      { ...envelope, timestamp: 1_700_000_000_000, ...command },
      1_700_000_000_000 + index,
      EMPTY_ENVIRONMENT,
    );
    instance = step.instance;
    records.push(...step.records);
  });
  return records;
}

const input = {
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 2 }],
  amount: 40,
  payment: { cardNumber: '4111111111111111' },
  address: '1 Main St',
};

test('GET /instances/:id answers the folded state with sensitive fields redacted, and /history its records', async () => {
  const id = `order-${randomUUID()}`;
  const records = decideAll(id, [
    { type: 'start', input },
    { type: 'signal', event: 'address-changed', payload: { address: '2 High St' } },
    { type: 'signal', event: 'fraud-detected', payload: { score: 0.2 } },
  ]);
  expect(records.map((r) => r.kind)).toEqual(['transition', 'transition', 'rejection']);
  const seen = fixture.projected(({ record }) => record.commandId === `${id}-c2`);
  await fixture.produceRecords(records);
  await seen;

  const response = await fixture.call({ method: 'GET', url: `/instances/${id}` });
  expect(response.statusCode).toBe(200);
  const view = response.json();
  expect(view).toMatchObject({
    correlationId: id,
    workflow: 'order-saga',
    state: 'validating',
    status: 'running',
    seq: 2,
  });
  expect(view.context.customer).toEqual({ id: 'c-1', email: '[redacted]' });
  expect(view.context.payment.cardNumber).toBe('[redacted]');
  expect(view.context.address).toBe('2 High St');
  expect(view.openTasks).toEqual([expect.objectContaining({ type: 'validate-order', attempt: 1 })]);
  expect(response.body).not.toContain('4111111111111111');
  expect(response.body).not.toContain('ada@example.com');

  const history = await fixture.call({ method: 'GET', url: `/instances/${id}/history` });
  expect(history.statusCode).toBe(200);
  const listed = history.json().records;
  expect(listed.map((r: LogRecord) => r.kind)).toEqual(['transition', 'transition', 'rejection']);
  expect(listed[0].context.customer.email).toBe('[redacted]');
  expect(history.body).not.toContain('4111111111111111');
  const page = await fixture.call({ method: 'GET', url: `/instances/${id}/history?from=1&limit=1` });
  expect(page.json().records.map((r: LogRecord) => r.kind)).toEqual(['transition']);
});

test('a record produced twice is folded once: same seq, same history, same outcome', async () => {
  const id = `order-${randomUUID()}`;
  const [started] = decideAll(id, [{ type: 'start', input }]);
  const first = fixture.projected(({ record }) => record.correlationId === id);
  await fixture.produceRecords([started!]);
  expect((await first).result.kind).toBe('applied');
  const second = fixture.projected(({ record }) => record.correlationId === id);
  await fixture.produceRecords([started!]);
  expect((await second).result.kind).toBe('seen');

  const view = (await fixture.call({ method: 'GET', url: `/instances/${id}` })).json();
  expect(view.seq).toBe(1);
  const history = (await fixture.call({ method: 'GET', url: `/instances/${id}/history` })).json();
  expect(history.records).toHaveLength(1);
  expect(await fixture.gateway.readModel.outcome(id, `${id}-c0`)).toMatchObject({
    outcome: { kind: 'applied', seq: 1 },
  });
});

test('a command whose outcome the projection already knows is answered with it on replay of its key', async () => {
  const id = `order-${randomUUID()}`;
  const key = `key-${randomUUID()}`;
  const request = {
    method: 'POST' as const,
    url: '/workflows/order-saga/instances',
    headers: { 'idempotency-key': key },
    payload: { correlationId: id, input },
  };
  expect((await fixture.call(request)).statusCode).toBe(202);
  const [started] = decideAll(id, [{ type: 'start', input }]).map(
    (r) => ({ ...r, commandId: clientCommandId('gateway', key) }) as LogRecord,
  );
  const seen = fixture.projected(({ record }) => record.commandId === clientCommandId('gateway', key));
  await fixture.produceRecords([started!]);
  await seen;
  const replay = await fixture.call(request);
  expect(replay.statusCode).toBe(200);
  expect(replay.json()).toMatchObject({ status: 'resolved', outcome: { kind: 'applied', seq: 1 } });
});
