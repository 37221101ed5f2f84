// The order saga end to end over HTTP: orchestrator, example workers and gateway as processes on the
// real stack. Orders reach completed, compensated, timed_out and cancelled; a start sent five times
// with one Idempotency-Key makes one instance and one charge; an outside client (kcat) counts the
// committed transitions; `statewright replay` reproduces every state from a recording of the log.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/free-port';
import { repoRoot } from '../harness/infrastructure';
import { endpoints, testNamespace } from '../harness/namespace';
import { ProcessFleet } from '../harness/process-fleet';
import { clientCommandId } from '../../services/gateway/commands/client-command-id';
import { EXAMPLE_MODULES } from '../harness/examples';

const run = promisify(execFile);
const ns = testNamespace('e2e');
const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
const redis = new Redis(redisUrl);
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-e2e-'));
let gateway = '';
let fleet: ProcessFleet;

const order = (id: string, sku = 'SKU-1', address = 'Main Street 1') => ({
  orderId: id,
  customer: { id: `customer-${id}`, email: `${id}@example.com` },
  items: [{ sku, quantity: 1 }],
  amount: 25,
  payment: { cardNumber: '4111111111111111' },
  address,
});

async function post(url: string, key: string, body: unknown) {
  const response = await fetch(`${gateway}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const instance = async (id: string) => {
  const response = await fetch(`${gateway}/instances/${id}`);
  return response.status === 200 ? ((await response.json()) as { status: string; seq: number }) : undefined;
};

const finished = (id: string) =>
  eventually(
    `${id} to finish`,
    async () => {
      const found = await instance(id);
      return found !== undefined && found.status !== 'running' ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );

const statewright = (args: string[]) =>
  run(process.execPath, [path.join(repoRoot, 'dist', 'services', 'cli', 'main.js'), ...args], {
    env: {
      ...process.env,
      KAFKA_BROKERS: kafkaBrokers,
      SCHEMA_REGISTRY_URL: schemaRegistryUrl,
      STATEWRIGHT_PREFIX: ns.prefix,
    },
  });

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'e2e', ns.prefix), {
    ...EXAMPLE_MODULES,
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_GROUP: ns.groupId,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PARTITIONS: '3',
    ORDER_SHIPPING_TIMEOUT_MS: '3000',
    STATEWRIGHT_PROJECTION_GROUP: `${ns.groupId}.projection`,
    WORKER_GROUP: `${ns.groupId}.workers`,
    GATEWAY_PORT: String(port),
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
  });
  // The orchestrator provisions the topics; the others start once it is ready.
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js');
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'services/worker/main.js');
  fleet.start('gateway', 'services/gateway/main.js');
  await eventually(
    'the gateway to be ready',
    () =>
      fetch(`${gateway}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    {
      timeoutMs: 60_000,
      intervalMs: 200,
    },
  );
}, 120_000);

afterAll(async () => {
  await fleet?.stopAll();
  const kafka = new Kafka({ brokers: [kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${ns.prefix}.`));
  await admin.deleteTopics({ topics });
  await admin.disconnect();
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  rmSync(workdir, { recursive: true, force: true });
});

const expected = {
  'e2e-completed': 'completed',
  'e2e-out-of-stock': 'compensated',
  'e2e-lost-parcel': 'timed_out',
  'e2e-cancelled': 'cancelled',
  'e2e-once': 'completed',
} as const;

test('orders reach completed, compensated, timed_out and cancelled', async () => {
  await post('/workflows/order-saga/instances', 'k-completed', {
    correlationId: 'e2e-completed',
    input: order('e2e-completed'),
  });
  await post('/workflows/order-saga/instances', 'k-oos', {
    correlationId: 'e2e-out-of-stock',
    input: order('e2e-out-of-stock', 'OUT-OF-STOCK'),
  });
  await post('/workflows/order-saga/instances', 'k-lost', {
    correlationId: 'e2e-lost-parcel',
    input: order('e2e-lost-parcel', 'SKU-1', 'NEVER-SHIPS Road'),
  });
  const started = await post('/workflows/order-saga/instances?wait=10000', 'k-cancelled', {
    correlationId: 'e2e-cancelled',
    input: order('e2e-cancelled'),
  });
  expect(started.status).toBe(200);
  expect(
    (await post('/instances/e2e-cancelled/cancel', 'k-cancel', { reason: 'changed my mind' })).status,
  ).toBeLessThan(300);
  for (const id of ['e2e-completed', 'e2e-out-of-stock', 'e2e-lost-parcel', 'e2e-cancelled'] as const) {
    expect((await finished(id)).status).toBe(expected[id]);
  }
});

test('the same start sent five times makes one instance and one charge; a different body with the key is refused', async () => {
  const body = { correlationId: 'e2e-once', input: order('e2e-once') };
  const answers = await Promise.all(
    Array.from({ length: 5 }, () => post('/workflows/order-saga/instances', 'k-once', body)),
  );
  const accepted = answers.filter((a) => a.status === 202 || a.status === 200);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  for (const answer of answers) expect([200, 202, 409]).toContain(answer.status);
  for (const answer of accepted) expect(answer.body.commandId).toBe(clientCommandId('gateway', 'k-once'));
  expect((await finished('e2e-once')).status).toBe('completed');
  const again = await post('/workflows/order-saga/instances', 'k-once', body);
  expect(again.status).toBe(200);
  expect(again.body.outcome).toMatchObject({ kind: 'applied', seq: 1 });
  expect(await redis.get(`${ns.redisPrefix}:effects:charge:e2e-once`)).toBe('1');
  const conflict = await post('/workflows/order-saga/instances', 'k-once', {
    ...body,
    input: order('e2e-once', 'SKU-2'),
  });
  expect(conflict.status).toBe(409);
});

test('kcat, reading the transitions topic read_committed, counts exactly the records the instances hold', async () => {
  const { stdout } = await run('kcat', [
    '-C',
    '-b',
    kafkaBrokers,
    '-t',
    `${ns.prefix}.transitions`,
    '-X',
    'isolation.level=read_committed',
    '-e',
    '-q',
    '-f',
    '%k\n',
  ]);
  const perKey = new Map<string, number>();
  // Keys `health:<taskType>` are the partitions' health records (from the workers' heartbeats), not instances.
  const instanceKeys = stdout.split('\n').filter((key) => key !== '' && !key.startsWith('health:'));
  for (const key of instanceKeys) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  expect([...perKey.keys()].sort()).toEqual(Object.keys(expected).sort());
  for (const id of Object.keys(expected)) {
    const response = await fetch(`${gateway}/instances/${id}/history?limit=1000`);
    const history = (await response.json()) as { records: { kind: string }[] };
    expect(perKey.get(id)).toBe(history.records.length);
    expect(history.records.filter((r) => r.kind === 'transition').length).toBe((await instance(id))!.seq);
  }
});

test('statewright replay of a recording of the log reproduces every state', async () => {
  const file = path.join(workdir, 'transitions.jsonl');
  await statewright(['record', '--out', file]);
  const { stdout } = await statewright(['replay', file]);
  for (const id of Object.keys(expected)) expect(stdout).toMatch(new RegExp(`OK.*${id}|${id}.*OK`));
  expect(stdout).not.toMatch(/MISMATCH/);
});

test('operator acts over HTTP are audited once each, with actor and before → after; GET /audit and statewright audit list them', async () => {
  const id = 'e2e-cancelled';
  const act = async (action: 'erase' | 'purge') => {
    const response = await fetch(`${gateway}/instances/${id}/${action}?wait=10000`, {
      method: 'POST',
      headers: { 'idempotency-key': `k-${action}`, 'x-actor': 'ops@example.com' },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const erased = await act('erase');
  expect(erased).toMatchObject({ status: 200, body: { outcome: { kind: 'applied' } } });
  const view = (await (await fetch(`${gateway}/instances/${id}`)).json()) as {
    context: { customer: { email: string }; payment: { cardNumber: string } };
  };
  expect(view.context.customer.email).toBe('[erased]');
  expect(view.context.payment.cardNumber).toBe('[erased]');
  expect((await act('purge')).status).toBe(200);
  expect(await instance(id)).toBeUndefined();

  const listed = await eventually('three audit records', async () => {
    const response = await fetch(`${gateway}/audit?instance=${id}`);
    const body = (await response.json()) as { records: { action: string; actor: string }[] };
    return response.status === 200 && body.records.length >= 3 ? body : undefined;
  });
  expect(listed.records.map((r) => r.action)).toEqual(['cancel', 'erase', 'purge']);
  expect(listed.records.slice(1)).toEqual([
    expect.objectContaining({
      actor: 'ops@example.com',
      before: expect.objectContaining({ status: 'cancelled' }),
    }),
    expect.objectContaining({ actor: 'ops@example.com', after: null }),
  ]);
  const byActor = (await (await fetch(`${gateway}/audit?actor=ops@example.com`)).json()) as {
    records: unknown[];
  };
  expect(byActor.records).toHaveLength(2);
  const { stdout } = await statewright(['audit', '--gateway', gateway, '--instance', id]);
  expect((JSON.parse(stdout) as { records: unknown[] }).records).toEqual(listed.records);
});

test('an admin pins the version new orders start on with statewright settings; the change is audited', async () => {
  const { stdout } = await statewright(['settings', 'order-saga', '--pin', '1', '--gateway', gateway]);
  expect(JSON.parse(stdout)).toMatchObject({ status: 'accepted', correlationId: 'workflow:order-saga' });
  const listed = await eventually('the settings audit record', async () => {
    const response = await fetch(`${gateway}/audit?instance=${encodeURIComponent('workflow:order-saga')}`);
    const body = (await response.json()) as { records: Record<string, unknown>[] };
    return body.records.length > 0 ? body.records : undefined;
  });
  expect(listed).toEqual([
    expect.objectContaining({
      action: 'settings',
      after: { rollout: { kind: 'pinned', version: 1 }, dedupe: null, revision: 1 },
    }),
  ]);
  const usage = await statewright(['settings', 'order-saga', '--latest', '--pin', '1']).catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('give one of') });
});
