// Instance search over the index the projection keeps: order-saga and bench-flow instances decided by the pure
// core are produced to the real transitions topic; each filter, count, page and scope is checked against the
// instances as folded, and a purge or a redelivery leaves the index exact. The CLI prints the same search.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decide,
  EMPTY_ENVIRONMENT,
  type Command,
  type Instance,
  type JsonValue,
  type LogRecord,
} from '../../../services/core';
import { exampleRegistry } from '../../harness/examples';
import { adminAct, cancel, startOrder } from '../../harness/order-commands';
import { buildCli, statewright } from '../cli/cli-process';
import type { ProjectedRecord } from '../../../services/gateway/projection/transitions-projection';
import { createLogger } from '../../../services/platform/logging/logger';
import { backfillIndex } from '../../../services/gateway/search/index-backfill';
import { startFixture, type GatewayFixture } from './gateway-fixture';

const registry = exampleRegistry();
const KEYS = { all: `all-${randomUUID()}`, bench: `bench-${randomUUID()}` };
const T0 = Date.UTC(2026, 0, 1);
const run = randomUUID().slice(0, 8);

let fixture: GatewayFixture;
let dir: string;
/** Every instance as the core folded it, by id. */
const instances = new Map<string, Instance>();
/** Every record produced, by id, for redelivery. */
const logs = new Map<string, LogRecord[]>();

const viewer = (key = KEYS.all) => ({ 'x-api-key': key });
const get = (url: string, key = KEYS.all) => fixture.call({ method: 'GET', url, headers: viewer(key) });
const sha = (key: string) => createHash('sha256').update(key).digest('hex');

/** Decides the commands in order at T0 + `at`, + 1 ms per command; records and instance are kept. */
function decideAll(id: string, at: number, commands: readonly Command[]): LogRecord[] {
  let instance = instances.get(id);
  const records: LogRecord[] = [];
  commands.forEach((command, index) => {
    const step = decide(registry, instance, command, T0 + at + index, EMPTY_ENVIRONMENT);
    instance = step.instance;
    records.push(...step.records);
  });
  if (instance === undefined) instances.delete(id);
  else instances.set(id, instance);
  logs.set(id, [...(logs.get(id) ?? []), ...records]);
  return records;
}

async function produceAndWait(records: readonly LogRecord[]): Promise<ProjectedRecord[]> {
  const keyOf = (record: LogRecord) => `${record.correlationId}/${record.commandId}`;
  const done = Promise.all(
    [...new Set(records.map(keyOf))].map((key) => fixture.projected(({ record }) => keyOf(record) === key)),
  );
  await fixture.produceRecords(records);
  return done;
}

const ids = (items: readonly { correlationId: string }[]) => items.map((item) => item.correlationId).sort();
const expected = (match: (instance: Instance) => boolean) =>
  [...instances.values()]
    .filter(match)
    .map((instance) => instance.correlationId)
    .sort();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'search-keys-'));
  const file = path.join(dir, 'api-keys.json');
  writeFileSync(
    file,
    JSON.stringify({
      [sha(KEYS.all)]: { name: 'viewer-all', roles: ['viewer'] },
      [sha(KEYS.bench)]: { name: 'viewer-bench', roles: ['viewer'], workflows: ['bench-flow'] },
    }),
    { mode: 0o600 },
  );
  fixture = await startFixture('gw-search', 2, { GATEWAY_API_KEYS_FILE: file });
  const records: LogRecord[] = [];
  for (let i = 0; i < 12; i += 1) {
    const id = `${run}-order-${String(i).padStart(2, '0')}`;
    const commands = i % 3 === 0 ? [startOrder(id), cancel(id)] : [startOrder(id)];
    records.push(...decideAll(id, i * 1000, commands));
  }
  for (let i = 0; i < 4; i += 1) {
    const id = `${run}-bench-${i}`;
    const input = { id, amount: i } as JsonValue;
    records.push(...decideAll(id, 500 + i * 1000, [startOrder(id, input, 'bench-flow')]));
  }
  await produceAndWait(records);
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('the instances fold into more than one state and status, so the filters below are not trivial', () => {
  expect(new Set([...instances.values()].map((i) => i.status)).size).toBeGreaterThan(1);
  expect(new Set([...instances.values()].map((i) => i.workflow)).size).toBe(2);
});

test('each filter answers exactly the instances it matches, with their count', async () => {
  const cancelled = [...instances.values()].find((i) => i.status === 'cancelled')!;
  const order = [...instances.values()].find((i) => i.workflow === 'order-saga' && i.status === 'running')!;
  const cases: [string, (i: Instance) => boolean][] = [
    ['workflow=order-saga', (i) => i.workflow === 'order-saga'],
    ['workflow=bench-flow', (i) => i.workflow === 'bench-flow'],
    [`workflow=order-saga&version=${order.version}`, (i) => i.workflow === 'order-saga'],
    [`workflow=order-saga&version=${order.version + 1}`, () => false],
    ['status=running', (i) => i.status === 'running'],
    ['status=cancelled', (i) => i.status === 'cancelled'],
    [`state=${order.state}`, (i) => i.state === order.state],
    [
      `workflow=order-saga&state=${cancelled.state}`,
      (i) => i.workflow === 'order-saga' && i.state === cancelled.state,
    ],
    [
      `workflow=order-saga&version=${order.version}&status=running&state=${order.state}`,
      (i) => i.workflow === 'order-saga' && i.status === 'running' && i.state === order.state,
    ],
    [`idPrefix=${run}-order-0`, (i) => i.correlationId.startsWith(`${run}-order-0`)],
    [`idPrefix=${run}-bench`, (i) => i.correlationId.startsWith(`${run}-bench`)],
    [
      `startedFrom=${T0 + 3000}&startedTo=${T0 + 6000}`,
      (i) => i.createdAt >= T0 + 3000 && i.createdAt <= T0 + 6000,
    ],
    [
      `updatedFrom=${new Date(T0 + 5000).toISOString()}&status=running`,
      (i) => i.updatedAt >= T0 + 5000 && i.status === 'running',
    ],
    [
      `sort=started&updatedTo=${T0 + 7000}&startedFrom=${T0 + 2000}&workflow=order-saga`,
      (i) => i.updatedAt <= T0 + 7000 && i.createdAt >= T0 + 2000 && i.workflow === 'order-saga',
    ],
  ];
  for (const [query, match] of cases) {
    const response = await get(`/instances?${query}&limit=500`);
    expect({ query, status: response.statusCode }).toEqual({ query, status: 200 });
    const body = response.json();
    expect({ query, ids: ids(body.items) }).toEqual({ query, ids: expected(match) });
    expect({ query, count: body.count }).toEqual({ query, count: expected(match).length });
  }
});

test('a summary carries where the instance is and when, never its context', async () => {
  const body = (await get(`/instances?idPrefix=${run}-order-01`)).json();
  const instance = instances.get(`${run}-order-01`)!;
  expect(body.items).toEqual([
    {
      correlationId: instance.correlationId,
      workflow: 'order-saga',
      version: instance.version,
      state: instance.state,
      status: instance.status,
      seq: instance.seq,
      createdAt: instance.createdAt,
      updatedAt: instance.updatedAt,
    },
  ]);
  expect(JSON.stringify(body)).not.toContain('4242424242424242');
});

test('pages of a small limit return every match once, in order, each way and by either time', async () => {
  const all = expected(() => true);
  for (const [sort, order] of [
    ['updated', 'desc'],
    ['updated', 'asc'],
    ['started', 'desc'],
    ['started', 'asc'],
  ] as const) {
    const seen: { correlationId: string; updatedAt: number; createdAt: number }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${cursor}`;
      const body = (await get(`/instances?sort=${sort}&order=${order}&limit=5${suffix}`)).json();
      expect(body.count).toBe(all.length);
      expect(body.items.length).toBeLessThanOrEqual(5);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 20);
    expect(ids(seen)).toEqual(all);
    const keys = seen.map((s) => (sort === 'updated' ? s.updatedAt : s.createdAt));
    const sorted = [...keys].sort((a, b) => (order === 'asc' ? a - b : b - a));
    expect(keys).toEqual(sorted);
    expect(pages).toBe(Math.ceil(all.length / 5));
  }
});

test('a caller scoped to one workflow sees only its instances; another workflow matches nothing', async () => {
  const mine = (await get('/instances?limit=500', KEYS.bench)).json();
  expect(ids(mine.items)).toEqual(expected((i) => i.workflow === 'bench-flow'));
  expect(mine.count).toBe(4);
  const other = await get('/instances?workflow=order-saga', KEYS.bench);
  expect(other.statusCode).toBe(200);
  expect(other.json()).toEqual({ items: [], count: 0, nextCursor: null });
  const byState = (await get('/instances?status=running&limit=500', KEYS.bench)).json();
  expect(ids(byState.items)).toEqual(expected((i) => i.workflow === 'bench-flow' && i.status === 'running'));
  expect((await get('/workflows/order-saga/counts', KEYS.bench)).statusCode).toBe(403);
  expect((await get('/workflows/bench-flow/counts', KEYS.bench)).statusCode).toBe(200);
  expect((await fixture.call({ method: 'GET', url: '/instances' })).statusCode).toBe(401);
});

test.each([
  ['limit=0', 'limit'],
  ['limit=501', 'limit'],
  ['limit=ten', 'limit'],
  ['status=sleeping', 'status'],
  ['version=1', 'version'],
  ['workflow=order-saga&version=0', 'version'],
  ['startedFrom=yesterday', 'startedFrom'],
  [`updatedFrom=${T0 + 10}&updatedTo=${T0}`, 'updatedFrom'],
  ['cursor=not-a-cursor', 'cursor'],
  ['sort=seq', 'sort'],
  ['order=up', 'order'],
  ['wrokflow=order-saga', ''],
])('%s is refused with 400 naming %s', async (query, field) => {
  const response = await get(`/instances?${query}`);
  expect(response.statusCode).toBe(400);
  const { error } = response.json();
  expect(error.code).toMatch(/^invalid-query$/);
  if (field !== '')
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
});

test('a cursor is refused under another sort than it was issued for', async () => {
  const first = (await get('/instances?limit=2&sort=started')).json();
  const response = await get(`/instances?limit=2&sort=updated&cursor=${first.nextCursor}`);
  expect(response.statusCode).toBe(400);
  expect(response.json().error.details[0].path).toBe('cursor');
});

test('counts per state and status of a workflow equal the instances folded, per version too', async () => {
  const order = [...instances.values()].filter((i) => i.workflow === 'order-saga');
  const tally = (key: 'state' | 'status') =>
    order.reduce<Record<string, number>>(
      (counts, i) => ({ ...counts, [i[key]]: (counts[i[key]] ?? 0) + 1 }),
      {},
    );
  const body = (await get('/workflows/order-saga/counts')).json();
  expect(body).toEqual({
    workflow: 'order-saga',
    version: null,
    total: order.length,
    states: tally('state'),
    statuses: tally('status'),
  });
  const version = order[0]!.version;
  expect((await get(`/workflows/order-saga/counts?version=${version}`)).json()).toMatchObject({
    version,
    total: order.length,
    states: tally('state'),
  });
  expect((await get(`/workflows/order-saga/counts?version=${version + 1}`)).json()).toMatchObject({
    total: 0,
    states: {},
    statuses: {},
  });
});

test('a record produced again changes nothing; a purged instance leaves the index and stays out on redelivery', async () => {
  const id = `${run}-order-03`;
  const cancelled = instances.get(id)!;
  expect(cancelled.status).toBe('cancelled');
  const before = (await get('/instances?workflow=order-saga')).json().count;
  const [again] = await produceAndWait(logs.get(id)!.slice(-1));
  expect(again!.result.kind).toBe('seen');
  expect((await get('/instances?workflow=order-saga')).json().count).toBe(before);
  expect((await get(`/instances?idPrefix=${id}`)).json().items[0]).toMatchObject({ status: 'cancelled' });

  const purge = decideAll(id, 20_000, [adminAct(id, 'purge')]);
  expect(purge.map((r) => r.kind)).toContain('purged');
  await produceAndWait(purge);
  expect((await get(`/instances?idPrefix=${id}`)).json()).toEqual({ items: [], count: 0, nextCursor: null });
  expect((await get('/instances?workflow=order-saga')).json().count).toBe(before - 1);
  const counts = (await get('/workflows/order-saga/counts')).json();
  expect(counts.total).toBe(before - 1);

  // The projection's redelivery of the cancel (its offset is before the purge's) cannot bring it back.
  expect(await fixture.gateway.index.upsert(again!.position.offset, cancelled)).toBe(false);
  expect((await get(`/instances?idPrefix=${id}`)).json().count).toBe(0);
  expect((await get(`/instances/${id}`)).statusCode).toBe(404);
});

test('statewright list prints the search as a table, and as JSON with --json', async () => {
  await buildCli();
  const env = { STATEWRIGHT_API_KEY: KEYS.all };
  const table = await statewright(
    ['list', '--gateway', fixture.base, '--workflow', 'bench-flow', '--version', '1', '--limit', '3'],
    env,
  );
  expect(table.stderr).toBe('');
  expect(table.code).toBe(0);
  const lines = table.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^CORRELATION ID\s+WORKFLOW\s+VERSION\s+STATE\s+STATUS/);
  expect(lines.slice(1, -1)).toHaveLength(3);
  expect(lines.slice(1, -1).every((line) => line.includes('bench-flow'))).toBe(true);
  expect(lines.at(-1)).toMatch(/^3 of 4 shown; next page: --cursor \S+$/);
  const cursor = lines.at(-1)!.split('--cursor ')[1]!;
  const rest = await statewright(
    [
      'list',
      '--gateway',
      fixture.base,
      '--workflow',
      'bench-flow',
      '--limit',
      '3',
      '--cursor',
      cursor,
      '--json',
    ],
    env,
  );
  expect(rest.code).toBe(0);
  const body = JSON.parse(rest.stdout);
  expect(body).toMatchObject({ count: 4, nextCursor: null });
  expect(body.items).toHaveLength(1);
  const refused = await statewright(['list', '--gateway', fixture.base, '--status', 'sleeping'], env);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('invalid-query');
}, 180_000);

test('a cursor stays exact when instances, its own included, move while pages are read', async () => {
  const query = '/instances?workflow=order-saga&status=running&sort=updated&order=asc&limit=3';
  const first = (await get(query)).json();
  const all = expected((i) => i.workflow === 'order-saga' && i.status === 'running');
  expect(first.count).toBe(all.length);
  // The last instance shown moves past every other: the next page still starts where the first one ended.
  const moved = first.items.at(-1).correlationId as string;
  const records = decideAll(moved, 30_000, [cancel(moved)]);
  await produceAndWait(records);
  const seen = [...first.items];
  let cursor: string | null = first.nextCursor;
  while (cursor !== null) {
    const page = (await get(`${query}&cursor=${cursor}`)).json();
    seen.push(...page.items);
    cursor = page.nextCursor;
  }
  expect(ids(seen)).toEqual(all);
  expect(seen.filter((item) => item.correlationId === moved)).toHaveLength(1);
});

test('an index lost or never built is rebuilt from the read model by the backfill', async () => {
  const before = (await get('/instances?limit=500')).json();
  const keys = await fixture.redis.keys(`${fixture.ns.redisPrefix}:{search}:*`);
  await fixture.redis.del(...keys);
  expect((await get('/instances')).json().count).toBe(0);
  await backfillIndex(fixture.redis, fixture.gateway.index, fixture.ns.redisPrefix, createLogger('silent'));
  const after = (await get('/instances?limit=500')).json();
  expect(after).toEqual(before);
  expect(await fixture.redis.exists(fixture.gateway.index.keys.built)).toBe(1);
});
