// The live graph's figures kept by the gateway's projection: order-saga instances decided by the pure core at
// chosen times are produced to the real transitions topic; the figures API is checked against those records: each
// edge's count is the number of transitions that took it within the window, a state's stuck count is its instances
// older in it than the threshold (120 s here, set for the test), dwells and flow follow the records, and a record
// produced again changes nothing. statewright bulk cancel sends a search result's commands once per key.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decide,
  EMPTY_ENVIRONMENT,
  type Command,
  type Instance,
  type LogRecord,
  type Transition,
} from '../../../services/core';
import { exampleRegistry } from '../../harness/examples';
import { cancel, startOrder } from '../../harness/order-commands';
import type { ProjectedRecord } from '../../../services/gateway/projection/transitions-projection';
import { buildCli, statewright } from '../cli/cli-process';
import { startFixture, type GatewayFixture } from './gateway-fixture';

const registry = exampleRegistry();
const KEYS = {
  all: `all-${randomUUID()}`,
  bench: `bench-${randomUUID()}`,
  operator: `operator-${randomUUID()}`,
};
const STUCK_AFTER_MS = 120_000;
const MINUTES_AGO_10 = 10 * 60_000;
const run = randomUUID().slice(0, 8);

let fixture: GatewayFixture;
let dir: string;
const instances = new Map<string, Instance>();
const produced: LogRecord[] = [];
let now = 0;

const get = (url: string, key = KEYS.all) =>
  fixture.call({ method: 'GET', url, headers: { 'x-api-key': key } });
const sha = (key: string) => createHash('sha256').update(key).digest('hex');

function decideAt(id: string, at: number, command: Command): LogRecord[] {
  const step = decide(registry, instances.get(id), command, at, EMPTY_ENVIRONMENT);
  if (step.instance === undefined) instances.delete(id);
  else instances.set(id, step.instance);
  return [...step.records];
}

async function produceAndWait(records: readonly LogRecord[]): Promise<ProjectedRecord[]> {
  const keyOf = (record: LogRecord) => `${record.correlationId}/${record.commandId}`;
  const done = Promise.all(
    [...new Set(records.map(keyOf))].map((key) => fixture.projected(({ record }) => keyOf(record) === key)),
  );
  await fixture.produceRecords(records);
  return done;
}

/** Each edge the produced transitions took at or after `since`, counted: from, through the states of `via`, to `to`. */
function edgesSince(since: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of produced) {
    if (record.kind !== 'transition' || record.from === null || record.at < since) continue;
    const hops = [record.from, ...record.via];
    if (hops.at(-1) !== record.to) hops.push(record.to);
    for (let i = 1; i < hops.length; i += 1) {
      const key = `${hops[i - 1]} -> ${hops[i]}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}

const edgeMap = (edges: readonly { from: string; to: string; count: number }[]) =>
  Object.fromEntries(edges.map((edge) => [`${edge.from} -> ${edge.to}`, edge.count]));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'figures-keys-'));
  const file = path.join(dir, 'api-keys.json');
  writeFileSync(
    file,
    JSON.stringify({
      [sha(KEYS.all)]: { name: 'viewer-all', roles: ['viewer'] },
      [sha(KEYS.bench)]: { name: 'viewer-bench', roles: ['viewer'], workflows: ['bench-flow'] },
      [sha(KEYS.operator)]: { name: 'operator', roles: ['operator'] },
    }),
    { mode: 0o600 },
  );
  fixture = await startFixture('gw-figures', 2, {
    GATEWAY_API_KEYS_FILE: file,
    GATEWAY_STUCK_AFTER_MS: String(STUCK_AFTER_MS),
  });
  now = Date.now();
  const old = now - MINUTES_AGO_10;
  // Three orders started ten minutes ago and left in validating: stuck. Two started now: not.
  // Two more started ten minutes ago and cancelled now: their dwell in validating is ten minutes.
  for (let i = 0; i < 3; i += 1)
    produced.push(...decideAt(`${run}-old-${i}`, old + i, startOrder(`${run}-old-${i}`)));
  for (let i = 0; i < 2; i += 1)
    produced.push(...decideAt(`${run}-new-${i}`, now + i, startOrder(`${run}-new-${i}`)));
  for (let i = 0; i < 2; i += 1) {
    const id = `${run}-gone-${i}`;
    produced.push(...decideAt(id, old + 10 + i, startOrder(id)));
    produced.push(...decideAt(id, now + 10 + i, cancel(id)));
  }
  await produceAndWait(produced);
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('the cancels took validating → cancelling → cancelled, so the edges below are not trivial', () => {
  expect(edgesSince(now)).toEqual({ 'validating -> cancelling': 2, 'cancelling -> cancelled': 2 });
});

test("each edge's count equals the transitions produced that took it within the window", async () => {
  for (const window of ['5m', '1h', '24h'] as const) {
    const response = await get(`/workflows/order-saga/versions/1/figures?window=${window}`);
    expect({ window, status: response.statusCode }).toEqual({ window, status: 200 });
    const body = response.json();
    expect({ window, edges: edgeMap(body.edges) }).toEqual({
      window,
      edges: edgesSince(body.at - body.spanMs),
    });
  }
});

test('a state counts as stuck its instances in it longer than the threshold; their ages are given', async () => {
  const body = (await get('/workflows/order-saga/versions/1/figures')).json();
  const validating = body.states.find((state: { name: string }) => state.name === 'validating');
  expect(validating).toMatchObject({ count: 5, stuck: 3, stuckAfterMs: STUCK_AFTER_MS });
  // Three of five have been there ten minutes: the median and the 95th percentile both.
  expect(validating.age.p50).toBeGreaterThanOrEqual(MINUTES_AGO_10 - 10);
  expect(validating.age.p95).toBeGreaterThanOrEqual(MINUTES_AGO_10 - 10);
  const shipping = body.states.find((state: { name: string }) => state.name === 'shipping');
  expect(shipping).toMatchObject({ count: 0, stuck: 0, age: null });
  expect(shipping.stuckAfterMs).toBe(
    registry.get('order-saga', 1)?.states.get('shipping')?.after?.ms ?? 'a timeout',
  );
  const cancelled = body.states.find((state: { name: string }) => state.name === 'cancelled');
  expect(cancelled).toMatchObject({ count: 2, stuck: null, stuckAfterMs: null, age: null });
});

test('dwells count the instances that left a state, within a fifth of the time they stayed', async () => {
  const body = (await get('/workflows/order-saga/versions/1/figures?window=5m')).json();
  const { dwell } = body.states.find((state: { name: string }) => state.name === 'validating');
  expect(dwell.count).toBe(2);
  for (const value of [dwell.p50, dwell.p95])
    expect(Math.abs(value - MINUTES_AGO_10) / MINUTES_AGO_10).toBeLessThan(0.2);
});

test('the flow counts starts and ends in the window; the oldest running instance is named', async () => {
  const hour = (await get('/workflows/order-saga/versions/1/figures?window=1h')).json();
  expect(hour.flow).toMatchObject({
    starts: 7,
    finished: { completed: 0, failed: 0, cancelled: 2, compensated: 0, timed_out: 0 },
    failureRate: 0,
    compensationRate: 0,
  });
  expect(hour.flow.startsPerMinute).toBeCloseTo((7 * 60_000) / hour.spanMs, 6);
  expect(hour.oldestRunning).toEqual({ correlationId: `${run}-old-0`, createdAt: now - MINUTES_AGO_10 });
  const recent = (await get('/workflows/order-saga/versions/1/figures?window=5m')).json();
  expect(recent.flow.starts).toBe(2);
});

test('a record produced again changes no figure', async () => {
  const before = (await get('/workflows/order-saga/versions/1/figures?window=1h')).json();
  const cancels = produced.filter((r): r is Transition => r.kind === 'transition' && r.event === 'cancel');
  const again = await produceAndWait(cancels);
  expect(again.map((projected) => projected.result.kind)).toEqual(['seen', 'seen']);
  const after = (await get('/workflows/order-saga/versions/1/figures?window=1h')).json();
  const counted = (body: { edges: unknown; flow: { starts: number; finished: unknown } }) => ({
    edges: body.edges,
    starts: body.flow.starts,
    finished: body.flow.finished,
  });
  expect(counted(after)).toEqual(counted(before));
});

test('figures follow the caller scope and the catalogue', async () => {
  expect((await get('/workflows/order-saga/versions/1/figures', KEYS.bench)).statusCode).toBe(403);
  expect((await get('/workflows/bench-flow/versions/1/figures', KEYS.bench)).statusCode).toBe(200);
  expect((await get('/workflows/order-saga/versions/99/figures')).statusCode).toBe(404);
  expect((await get('/workflows/order-saga/versions/1/figures?window=2d')).statusCode).toBe(400);
  expect(
    (await fixture.call({ method: 'GET', url: '/workflows/order-saga/versions/1/figures' })).statusCode,
  ).toBe(401);
});

test('statewright bulk cancel sends one command per matched instance; run again with its key, nothing new', async () => {
  await buildCli();
  const env = { STATEWRIGHT_API_KEY: KEYS.operator };
  const args = ['bulk', 'cancel', '--gateway', fixture.base, '--workflow', 'order-saga'];
  const newOnes = [...args, '--prefix', `${run}-new-`, '--max', '2'];
  const first = await statewright([...newOnes, '--json'], env);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const answer = JSON.parse(first.stdout);
  expect(answer).toMatchObject({ repeated: false, matched: 2 });
  expect(answer.results.map((r: { correlationId: string }) => r.correlationId).sort()).toEqual([
    `${run}-new-0`,
    `${run}-new-1`,
  ]);
  expect(answer.results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
  const again = await statewright([...newOnes, '--key', answer.requestId], env);
  expect(again.code).toBe(0);
  expect(again.stdout.trim()).toBe(
    `cancel: 2 matched, 2 accepted, 0 resolved, 0 refused (a repeated request: nothing new sent); key ${answer.requestId}`,
  );
  const tooMany = await statewright([...args, '--prefix', run, '--max', '3'], env);
  expect(tooMany.code).not.toBe(0);
  expect(tooMany.stderr).toContain('bulk-too-large');
  const viewer = await statewright(newOnes, { STATEWRIGHT_API_KEY: KEYS.all });
  expect(viewer.code).not.toBe(0);
  expect(viewer.stderr).toContain('403');
  // Retry is an admin's act, in bulk as alone.
  const retry = await statewright(['bulk', 'retry', ...newOnes.slice(2)], env);
  expect(retry.code).not.toBe(0);
  expect(retry.stderr).toContain('403');
  const unknown = await statewright(['bulk', 'cancel', '--gateway', fixture.base, '--workflow', 'nope'], env);
  expect(unknown.stderr).toContain('unknown-workflow');
}, 180_000);
