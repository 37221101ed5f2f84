// Instance search on the real services: order-saga instances run to their end through the orchestrator, worker
// and gateway processes on the examples' module; the gateway's index then lists exactly them, by status and state,
// page by page, and counts them per state and status.
import { freePort } from '../../harness/free-port';
import { testNamespace } from '../../harness/namespace';
import type { ProcessFleet } from '../../harness/process-fleet';
import {
  exampleOrder,
  finishedInstance,
  fleetEnvironment,
  removeNamespaces,
  startExampleFleet,
} from '../../harness/example-fleet';

jest.setTimeout(180_000);

const ns = testNamespace('search-fleet');
let fleet: ProcessFleet;
let gateway = '';
const finished = new Map<string, { correlationId: string; state: string; status: string }>();

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = await startExampleFleet(
    'integration',
    ns,
    gateway,
    fleetEnvironment(ns, { GATEWAY_PORT: String(port) }),
  );
  const orders = [0, 1, 2, 3, 4, 5].map((n) => ({
    id: `${ns.prefix}-order-${n}`,
    sku: n % 3 === 2 ? 'OUT-OF-STOCK' : 'SKU-1',
  }));
  for (const { id, sku } of orders) {
    const response = await fetch(`${gateway}/workflows/order-saga/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': id },
      body: JSON.stringify({ correlationId: id, input: exampleOrder(id, { sku }) }),
    });
    expect(response.status).toBeLessThan(300);
  }
  for (const { id } of orders) {
    finished.set(
      id,
      await finishedInstance<{ correlationId: string; state: string; status: string }>(gateway, id),
    );
  }
});

afterAll(async () => {
  await fleet?.stopAll();
  await removeNamespaces([ns]);
});

const list = async (query: string) => {
  const response = await fetch(`${gateway}/instances?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    items: { correlationId: string }[];
    count: number;
    nextCursor: string | null;
  };
};
const idsOf = (items: readonly { correlationId: string }[]) => items.map((i) => i.correlationId).sort();
const expectedIds = (match: (i: { status: string; state: string }) => boolean) =>
  [...finished.values()]
    .filter(match)
    .map((i) => i.correlationId)
    .sort();

test('finished orders are listed by status and state exactly as GET /instances/:id shows them', async () => {
  expect(new Set([...finished.values()].map((i) => i.status))).toEqual(new Set(['completed', 'compensated']));
  const all = await list(`workflow=order-saga&limit=500`);
  expect(idsOf(all.items)).toEqual(expectedIds(() => true));
  expect(all.count).toBe(6);
  for (const status of ['completed', 'compensated', 'running']) {
    const page = await list(`workflow=order-saga&status=${status}&limit=500`);
    expect({ status, ids: idsOf(page.items) }).toEqual({
      status,
      ids: expectedIds((i) => i.status === status),
    });
    expect(page.count).toBe(expectedIds((i) => i.status === status).length);
  }
  const state = [...finished.values()][0]!.state;
  expect(idsOf((await list(`state=${state}&idPrefix=${ns.prefix}`)).items)).toEqual(
    expectedIds((i) => i.state === state),
  );
});

test('pages of two cover the six orders once each', async () => {
  const seen: { correlationId: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(`idPrefix=${ns.prefix}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
    expect(page.count).toBe(6);
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && seen.length < 20);
  expect(idsOf(seen)).toEqual(expectedIds(() => true));
});

test('the counts per state and status equal the finished orders', async () => {
  const tally = (key: 'state' | 'status') =>
    [...finished.values()].reduce<Record<string, number>>(
      (counts, i) => ({ ...counts, [i[key]]: (counts[i[key]] ?? 0) + 1 }),
      {},
    );
  const response = await fetch(`${gateway}/workflows/order-saga/counts`);
  expect(await response.json()).toEqual({
    workflow: 'order-saga',
    version: null,
    total: 6,
    states: tally('state'),
    statuses: tally('status'),
  });
});
