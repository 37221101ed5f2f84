// Crypto-shredding end to end: orchestrator, workers and gateway as processes with a KEK file and
// authentication on. Raw bytes of every topic (kcat) never hold a customer's email or card number, before or
// after erasing one order; the key's tombstone is in <prefix>.keys; the gateway shows the erased order's
// fields as [erased] and the other as before; wiping Redis and rebuilding every read model does not bring the
// data back; no credential, password or key appears in any log line.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { generateKekLine } from '../../services/platform/crypto';
import { topicNames } from '../../services/platform/kafka/topic-names';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/free-port';
import { repoRoot } from '../harness/infrastructure';
import { endpoints, testNamespace } from '../harness/namespace';
import { ProcessFleet, type ServiceProcess } from '../harness/process-fleet';
import { createCredentialKit, type CredentialKit } from './credential-kit';
import { leakedCredentials } from './log-audit';
import { EXAMPLE_MODULES } from '../harness/examples';

jest.setTimeout(180_000);

const run = promisify(execFile);
const ns = testNamespace('sec-erasure');
const topics = topicNames(ns.prefix);
const { kafkaBrokers, redisUrl, schemaRegistryUrl } = endpoints();
const redis = new Redis(redisUrl);
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-erasure-'));
const kekLine = generateKekLine('kek-1');
const logDir = path.join(repoRoot, 'test-results', 'security', ns.prefix);
let kit: CredentialKit;
let fleet: ProcessFleet;
let gateway = '';
let admin = '';
let round = 0;

const customer = (id: string) => ({ email: `${id}.person@example.com`, card: `4000${id.length}1234567899` });
const order = (id: string) => ({
  orderId: id,
  customer: { id: `customer-${id}`, email: customer(id).email },
  items: [{ sku: 'SKU-1', quantity: 1 }],
  amount: 25,
  payment: { cardNumber: customer(id).card },
  address: 'Main Street 1',
});
const ERASED_ID = 'sec-erased';
const KEPT_ID = 'sec-kept';
const plaintexts = [ERASED_ID, KEPT_ID].flatMap((id) => [customer(id).email, customer(id).card]);

async function call(method: string, url: string, body?: unknown, key?: string) {
  const response = await fetch(`${gateway}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type View = { status: string; context: { customer: { email: string }; payment: { cardNumber: string } } };
const view = async (id: string) => {
  const answer = await call('GET', `/instances/${id}`);
  return answer.status === 200 ? (answer.body as unknown as View) : undefined;
};

/** Starts the three services; a new round uses a new projection group, so the gateway rebuilds its read model. */
async function startFleet(): Promise<void> {
  round += 1;
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  const env = {
    GATEWAY_PORT: String(port),
    STATEWRIGHT_PROJECTION_GROUP: `${ns.groupId}.projection.${round}`,
  };
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js', env);
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'services/worker/main.js', env);
  fleet.start('gateway', 'services/gateway/main.js', { ...env, ...kit.env });
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
}

async function stopFleet(): Promise<void> {
  await Promise.all(fleet.list().map((service: ServiceProcess) => fleet.stop(service)));
}

/** Every record of every topic of this deployment, as kcat prints its raw key and value bytes. */
async function rawTopics(): Promise<string> {
  const dumps = await Promise.all(
    Object.values(topics).map(async (topic) => {
      const { stdout } = await run(
        'kcat',
        ['-C', '-b', kafkaBrokers, '-t', topic, '-e', '-q', '-f', '%k\t%s\n'],
        { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 },
      );
      return stdout;
    }),
  );
  return dumps.join('\n');
}

/** Every value this deployment keeps in Redis, as text. */
async function redisText(): Promise<string> {
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  const values = await Promise.all(
    keys.map(async (key) => {
      switch (await redis.type(key)) {
        case 'hash':
          return JSON.stringify(await redis.hgetall(key));
        case 'list':
          return (await redis.lrange(key, 0, -1)).join('\n');
        case 'string':
          return (await redis.get(key)) ?? '';
        default:
          return '';
      }
    }),
  );
  return values.join('\n');
}

const leaked = (text: string) => plaintexts.filter((plaintext) => text.includes(plaintext));

const finished = (id: string) =>
  eventually(
    `${id} to finish`,
    async () => {
      const found = await view(id);
      return found !== undefined && found.status !== 'running' ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );

beforeAll(async () => {
  kit = await createCredentialKit();
  admin = await kit.token({ sub: 'dpo@example.com', roles: ['admin'] });
  const kekFile = path.join(workdir, 'kek');
  writeFileSync(kekFile, `${kekLine}\n`, { mode: 0o600 });
  fleet = new ProcessFleet(logDir, {
    ...EXAMPLE_MODULES,
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_GROUP: ns.groupId,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PARTITIONS: '2',
    STATEWRIGHT_KEK_FILE: kekFile,
    WORKER_GROUP: `${ns.groupId}.workers`,
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'debug',
  });
  await startFleet();
}, 180_000);

afterAll(async () => {
  await fleet?.stopAll();
  const kafka = new Kafka({ brokers: [kafkaBrokers], logLevel: logLevel.NOTHING });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const own = (await kafkaAdmin.listTopics()).filter((topic) => topic.startsWith(`${ns.prefix}.`));
  await kafkaAdmin.deleteTopics({ topics: own });
  await kafkaAdmin.disconnect();
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await kit?.dispose();
  rmSync(workdir, { recursive: true, force: true });
});

test('before erasure: two orders complete and no topic holds their email or card number in plaintext', async () => {
  for (const id of [ERASED_ID, KEPT_ID]) {
    const started = await call(
      'POST',
      '/workflows/order-saga/instances',
      { correlationId: id, input: order(id) },
      `start-${id}`,
    );
    expect(started.status).toBeLessThan(300);
  }
  for (const id of [ERASED_ID, KEPT_ID]) expect((await finished(id)).status).toBe('completed');
  const raw = await rawTopics();
  expect(raw).toContain(ERASED_ID);
  expect(raw).toContain('sw:enc:v1:');
  expect(leaked(raw)).toEqual([]);
  expect(leaked(await redisText())).toEqual([]);
  expect((await view(KEPT_ID))!.context.customer.email).toBe('[redacted]');
});

test('erasure: tombstone in the keys topic, [erased] at the gateway, the other order unchanged, no plaintext', async () => {
  const erased = await call('POST', `/instances/${ERASED_ID}/erase?wait=10000`, undefined, 'erase-1');
  expect(erased).toMatchObject({ status: 200, body: { outcome: { kind: 'applied' } } });
  const { stdout } = await run('kcat', [
    '-C',
    '-b',
    kafkaBrokers,
    '-t',
    topics.keys,
    '-e',
    '-q',
    '-f',
    '%k %S\n',
  ]);
  expect(stdout.split('\n')).toContain(`${ERASED_ID} -1`);
  const gone = await view(ERASED_ID);
  expect(gone!.context.customer.email).toBe('[erased]');
  expect(gone!.context.payment.cardNumber).toBe('[erased]');
  const history = await call('GET', `/instances/${ERASED_ID}/history`);
  expect(JSON.stringify(history.body)).not.toContain('sw:enc:v1:');
  expect((await view(KEPT_ID))!.context).toMatchObject({
    customer: { email: '[redacted]' },
    payment: { cardNumber: '[redacted]' },
  });
  expect(leaked(await rawTopics())).toEqual([]);
  const audit = await call('GET', `/audit?instance=${ERASED_ID}`);
  expect(audit.body.records).toEqual([
    expect.objectContaining({ action: 'erase', actor: 'jwt:dpo@example.com' }),
  ]);
});

test('erasure deletes the idempotency records of the erased order’s requests, which fingerprint its plaintext', async () => {
  const requestsOf = async (id: string) => {
    const keys = await redis.keys(`${ns.redisPrefix}:idempotency:*`);
    const values = await Promise.all(keys.map((key) => redis.get(key)));
    return values.filter((value) => value !== null && JSON.parse(value).correlationId === id);
  };
  await eventually(
    'the erased order’s idempotency records to go',
    async () => (await requestsOf(ERASED_ID)).length === 0,
  );
  expect(await requestsOf(KEPT_ID)).toHaveLength(1);
});

test('a Redis wipe and rebuilt read models do not bring the erased data back', async () => {
  await stopFleet();
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await startFleet();
  const gone = await eventually('the erased order in the rebuilt read model', () => view(ERASED_ID), {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  expect(gone.context.customer.email).toBe('[erased]');
  expect(gone.context.payment.cardNumber).toBe('[erased]');
  const kept = await eventually('the kept order in the rebuilt read model', () => view(KEPT_ID));
  expect(kept.context.customer.email).toBe('[redacted]');
  const note = await call(
    'POST',
    `/instances/${ERASED_ID}/signals/customer-note?wait=10000`,
    { note: 'after the wipe' },
    'note-after-wipe',
  );
  expect(note.status).toBeLessThan(500);
  expect(leaked(await rawTopics())).toEqual([]);
  expect(leaked(await redisText())).toEqual([]);
});

test('no log line of any service holds a credential, the KEK or a customer secret', () => {
  const lines = readdirSync(logDir).flatMap((file) =>
    readFileSync(path.join(logDir, file), 'utf8').split('\n'),
  );
  expect(lines.length).toBeGreaterThan(50);
  const kekSecret = kekLine.split(' ')[1]!;
  expect(
    leakedCredentials(lines, [...kit.issued(), kit.operatorApiKey, kit.viewerApiKey, kekSecret]),
  ).toEqual([]);
  expect(lines.filter((line) => leaked(line).length > 0)).toEqual([]);
});
