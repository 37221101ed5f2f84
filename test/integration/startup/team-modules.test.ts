// The statewright command runs the servers on a team's own modules: `statewright orchestrator --workflows`,
// `statewright worker --handlers`, `statewright gateway --workflows`. A module that cannot serve stops the
// command with exit code 2 and a message naming the file and the problem, before anything is published.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import { eventually } from '../../harness/eventually';
import { freePort } from '../../harness/free-port';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints, testNamespace } from '../../harness/namespace';
import { ProcessFleet } from '../../harness/process-fleet';

jest.setTimeout(120_000);

const run = promisify(execFile);
const bin = path.join(repoRoot, 'dist', 'apps', 'statewright.js');
const catalogue = path.join(repoRoot, 'dist', 'examples', 'catalogue.js');
const ns = testNamespace('team-modules');
const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-modules-'));
let fleet: ProcessFleet;
let gateway = '';

const env = {
  KAFKA_BROKERS: kafkaBrokers,
  SCHEMA_REGISTRY_URL: schemaRegistryUrl,
  REDIS_URL: redisUrl,
  STATEWRIGHT_PREFIX: ns.prefix,
  STATEWRIGHT_GROUP: ns.groupId,
  STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
  STATEWRIGHT_PARTITIONS: '2',
  STATEWRIGHT_PROJECTION_GROUP: `${ns.groupId}.projection`,
  WORKER_GROUP: `${ns.groupId}.workers`,
  METRICS_PORT: '0',
  WORKER_METRICS_PORT: '0',
};

/** Runs the command to its end (it must end: these modules cannot serve); the environment names no module. */
async function statewright(args: readonly string[]) {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete clean.STATEWRIGHT_WORKFLOWS;
  delete clean.STATEWRIGHT_HANDLERS;
  return run(process.execPath, [bin, ...args], { env: clean, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const teamModule = (name: string, source: string): string => {
  const file = path.join(workdir, name);
  writeFileSync(file, source);
  return file;
};

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'integration', ns.prefix), env);
  const orchestrator = fleet.start('orchestrator', 'apps/statewright.js', {}, [
    'orchestrator',
    '--workflows',
    catalogue,
  ]);
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'apps/statewright.js', {}, ['worker', '--handlers', catalogue]);
  fleet.start('gateway', 'apps/statewright.js', { GATEWAY_PORT: String(port) }, [
    'gateway',
    '--workflows',
    catalogue,
  ]);
  await eventually(
    'the gateway to be ready',
    () =>
      fetch(`${gateway}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
});

afterAll(async () => {
  await fleet?.stopAll();
  const kafka = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${ns.prefix}.`));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.disconnect();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  rmSync(workdir, { recursive: true, force: true });
});

test('statewright orchestrator, worker and gateway on the examples’ module run an order to its end', async () => {
  const id = `team-${ns.prefix}`;
  const started = await fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': id },
    body: JSON.stringify({
      correlationId: id,
      input: {
        orderId: id,
        customer: { id: 'c-1', email: 'c@example.com' },
        items: [{ sku: 'SKU-1', quantity: 1 }],
        amount: 10,
        payment: { cardNumber: '4111111111111111' },
        address: 'Main Street 1',
      },
    }),
  });
  expect(started.status).toBeLessThan(300);
  const done = await eventually(
    `${id} to complete`,
    async () => {
      const response = await fetch(`${gateway}/instances/${id}`);
      const found = response.status === 200 ? ((await response.json()) as { status: string }) : undefined;
      return found !== undefined && found.status !== 'running' ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  expect(done.status).toBe('completed');
});

test('a workflows module that exports no definitions stops the orchestrator with code 2 naming the file', async () => {
  const file = teamModule('empty.js', 'exports.other = 1;\n');
  const answer = await statewright(['orchestrator', '--workflows', file]);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toContain(file);
  expect(answer.stderr).toMatch(/exports no `workflows`/);
});

test('two definitions with the same name and version stop the gateway with code 2', async () => {
  const file = teamModule(
    'twice.js',
    `const { workflows } = require(${JSON.stringify(catalogue)});\nexports.workflows = [...workflows, workflows[0]];\n`,
  );
  const answer = await statewright(['gateway', '--workflows', file]);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toContain(file);
  expect(answer.stderr).toMatch(/order-saga@1 is registered twice/);
});

test('a handlers module whose handlers are not built with taskHandler stops the worker with code 2', async () => {
  const file = teamModule('handlers.js', "exports.handlers = { 'charge-card': async () => ({}) };\n");
  const answer = await statewright(['worker', '--handlers', file]);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toContain(file);
  expect(answer.stderr).toMatch(/handlers\['charge-card'\] is not a handler/);
});

test('no module named at all is a usage error naming the flag and the variable', async () => {
  const answer = await statewright(['orchestrator']);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toMatch(/--workflows <module> or STATEWRIGHT_WORKFLOWS/);
});
