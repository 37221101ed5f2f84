// The definitions catalogue: the orchestrator publishes every version it serves to <prefix>.definitions (with an
// audit record each) and refuses to start on a changed definition under a published name and version; the
// gateway and the CLI need no workflows module: they read the catalogue.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import { z } from 'zod';
import {
  createRegistry,
  describeDefinition,
  setup,
  toMermaid,
  type DescribedDefinition,
} from '../../../services/core';
import { CatalogueConflictError } from '../../../services/platform/workflows/catalogue-conflict-error';
import { fromAuditEnvelope, type AuditEntry } from '../../../services/platform/codec/audit-envelope';
import { fromDefinitionEnvelope } from '../../../services/platform/codec/definition-envelope';
import { EnvelopeCodec } from '../../../services/platform/codec/envelope-codec';
import { topicNames } from '../../../services/platform/kafka/topic-names';
import {
  exampleOrder,
  finishedInstance,
  fleetEnvironment,
  gatewayReady,
  removeNamespaces,
} from '../../harness/example-fleet';
import { exampleRegistry } from '../../harness/examples';
import { freePort } from '../../harness/free-port';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints, testNamespace } from '../../harness/namespace';
import { ProcessFleet, type ServiceProcess } from '../../harness/process-fleet';
import { readTopicToEnd } from '../../harness/topic-reader';
import { publishTestCatalogue } from '../../harness/catalogue';

jest.setTimeout(180_000);

const run = promisify(execFile);
const bin = path.join(repoRoot, 'dist', 'apps', 'statewright.js');
const examples = path.join(repoRoot, 'dist', 'examples', 'catalogue.js');
const ns = testNamespace('catalogue');
const topics = topicNames(ns.prefix);
const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
const kafka = new Kafka({
  brokers: kafkaBrokers.split(','),
  clientId: ns.prefix,
  logLevel: logLevel.NOTHING,
});
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-catalogue-'));
/** The services' environment without any workflows module: only the orchestrator is given one, by flag. */
const env = { ...fleetEnvironment(ns), STATEWRIGHT_WORKFLOWS: '' };
let fleet: ProcessFleet;
let codec: EnvelopeCodec;
let gateway = '';
let gatewayPort = 0;

/** The statewright command run to its end, on the namespace's environment. */
const statewright = (args: readonly string[]) =>
  run(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, timeout: 90_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

async function publishedDefinitions(): Promise<DescribedDefinition[]> {
  const partitions = await readTopicToEnd(kafka, topics.definitions);
  const messages = [...partitions.values()].flat();
  return Promise.all(
    messages.map(async (m) => fromDefinitionEnvelope(await codec.decode('definition', m.value)).definition),
  );
}

async function publicationAudits(): Promise<AuditEntry[]> {
  const partitions = await readTopicToEnd(kafka, topics.audit);
  const entries = await Promise.all(
    [...partitions.values()].flat().map(async (m) => fromAuditEnvelope(await codec.decode('audit', m.value))),
  );
  return entries.filter((entry) => entry.action === 'publish-definition');
}

async function endOffsets(topic: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return JSON.stringify(await admin.fetchTopicOffsets(topic));
  } finally {
    await admin.disconnect();
  }
}

/** A gateway process on a Redis prefix of its own (empty at first), with no workflows module. */
function startGateway(redisPrefix: string): ServiceProcess {
  return fleet.start(
    'gateway',
    'apps/statewright.js',
    {
      GATEWAY_PORT: String(gatewayPort),
      STATEWRIGHT_REDIS_PREFIX: redisPrefix,
      STATEWRIGHT_PROJECTION_GROUP: `${ns.groupId}.${redisPrefix}`,
    },
    ['gateway'],
  );
}

beforeAll(async () => {
  gatewayPort = await freePort();
  gateway = `http://127.0.0.1:${gatewayPort}`;
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'integration', ns.prefix), env);
  const orchestrator = fleet.start('orchestrator', 'apps/statewright.js', {}, [
    'orchestrator',
    '--workflows',
    examples,
  ]);
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'apps/statewright.js', {}, ['worker', '--handlers', examples]);
  codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
});

afterAll(async () => {
  await fleet?.stopAll();
  await removeNamespaces([ns, { prefix: ns.prefix, redisPrefix: `${ns.redisPrefix}-gateway` }]);
  rmSync(workdir, { recursive: true, force: true });
});

test('the orchestrator publishes each version it serves, keyed name@version, with an audit record each', async () => {
  const published = await publishedDefinitions();
  const served = exampleRegistry();
  expect(published.map((d) => `${d.name}@${d.version}`).sort()).toEqual(['bench-flow@1', 'order-saga@1']);
  const saga = published.find((d) => d.name === 'order-saga')!;
  // The orchestrator ran with the examples' default settings: the same definition, so the same hash.
  expect(saga).toEqual(describeDefinition(served.get('order-saga', 1)!));
  expect(saga.sensitive).toEqual(expect.arrayContaining(['customer.email']));
  expect(saga.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['orderId']) });
  expect(saga.tasks.length).toBeGreaterThan(0);
  const audits = await publicationAudits();
  expect(audits.map((a) => a.target).sort()).toEqual(['bench-flow@1', 'order-saga@1']);
  expect(audits[0]).toMatchObject({ actor: 'statewright-orchestrator', commandTopic: topics.definitions });
});

test('publishing the same definitions again writes nothing', async () => {
  const before = await endOffsets(topics.definitions);
  const published = await publishTestCatalogue({
    kafka,
    codec,
    topics,
    groupId: ns.groupId,
    registry: exampleRegistry(),
  });
  expect(published).toEqual([]);
  expect(await endOffsets(topics.definitions)).toBe(before);
});

/** A one-state workflow `racer@version` whose timeout tells two candidates apart. */
const racer = (ms: number, version: number) =>
  setup({ types: {} as { context: object }, input: z.object({}), events: {}, tasks: {} }).define({
    name: 'racer',
    version,
    initial: 'waiting',
    context: () => ({}),
    states: { waiting: { after: { ms, target: 'done' } }, done: { final: 'completed' } },
  });

/** Publishes as an orchestrator's start does: a failure waiting can mend is tried again, a conflict ends it. */
async function publishAsStart(ms: number, version: number): Promise<string[] | CatalogueConflictError> {
  const registry = createRegistry([racer(ms, version)]);
  for (let attempt = 1; ; attempt++) {
    try {
      return await publishTestCatalogue({ kafka, codec, topics, groupId: ns.groupId, registry });
    } catch (error) {
      if (error instanceof CatalogueConflictError) return error;
      if (attempt >= 10) throw error;
      // As the start's dependency wait does: a jittered pause, so the two do not fence each other in step.
      await delay(25 + Math.random() * 50 * attempt);
    }
  }
}

test('two orchestrators publishing different definitions of one new version at once: one wins, the other is refused', async () => {
  // Several rounds, one new version each: the outcome depends on how the two interleave.
  const rounds = [1, 2, 3, 4, 5, 6];
  for (const version of rounds) {
    const outcomes = await Promise.all([publishAsStart(1_000, version), publishAsStart(2_000, version)]);
    const published = outcomes.filter((outcome) => Array.isArray(outcome));
    const refused = outcomes.filter((outcome) => outcome instanceof CatalogueConflictError);
    expect({ version, published }).toEqual({ version, published: [[`racer@${version}`]] });
    expect(refused).toHaveLength(1);
    expect(refused[0]!.changed).toEqual([`racer@${version}`]);
  }
  const racers = (await publishedDefinitions()).filter((d) => d.name === 'racer');
  expect(racers.map((d) => d.version).sort()).toEqual(rounds);
});

test('a changed definition under a published name and version stops the orchestrator with code 2, publishing nothing', async () => {
  const changed = path.join(workdir, 'changed.js');
  writeFileSync(
    changed,
    `const { exampleWorkflows } = require(${JSON.stringify(examples)});\n` +
      'exports.workflows = exampleWorkflows({ shippingTimeoutMs: 4321 });\n',
  );
  const before = [await endOffsets(topics.definitions), await endOffsets(topics.audit)];
  const answer = await statewright(['orchestrator', '--workflows', changed]);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toMatch(/order-saga@1 differs from the published order-saga@1/);
  expect(answer.stderr).toMatch(/give the changed definition a new version/);
  expect(answer.stderr).not.toMatch(/bench-flow@1/);
  expect([await endOffsets(topics.definitions), await endOffsets(topics.audit)]).toEqual(before);
});

test('a restarted gateway with an empty Redis knows every workflow from the catalogue and starts an instance', async () => {
  const redisPrefix = `${ns.redisPrefix}-gateway`;
  const first = startGateway(redisPrefix);
  await gatewayReady(gateway);
  await fleet.stop(first);
  const redis = new Redis(redisUrl);
  try {
    const left = await redis.keys(`${redisPrefix}:*`);
    if (left.length > 0) await redis.del(...left);
  } finally {
    await redis.quit();
  }
  const restarted = startGateway(redisPrefix);
  await gatewayReady(gateway);
  const id = `catalogue-${ns.prefix}`;
  const started = await fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': id },
    body: JSON.stringify({ correlationId: id, input: exampleOrder(id) }),
  });
  expect(started.status).toBeLessThan(300);
  expect((await finishedInstance(gateway, id)).status).toBe('completed');
  expect(restarted.child.exitCode).toBeNull();
});

test('a bad start input is a 400 naming the path of every wrong field', async () => {
  const answer = await fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `bad-${ns.prefix}` },
    body: JSON.stringify({
      input: { orderId: 7, customer: { id: 'c-1' }, items: [{ sku: 'a', quantity: 0 }], amount: 1 },
    }),
  });
  expect(answer.status).toBe(400);
  const { error } = (await answer.json()) as {
    error: { code: string; message: string; details: { path: string }[] };
  };
  expect(error.code).toBe('invalid-input');
  expect(error.details.map((d) => d.path).sort()).toEqual(
    ['address', 'customer.email', 'items.0.quantity', 'orderId', 'payment'].sort(),
  );
});

test('an unknown workflow is a 404 naming the known ones', async () => {
  const answer = await fetch(`${gateway}/workflows/no-such-flow/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `unknown-${ns.prefix}` },
    body: JSON.stringify({ input: {} }),
  });
  expect(answer.status).toBe(404);
  const { error } = (await answer.json()) as { error: { code: string; message: string; details: unknown } };
  expect(error).toMatchObject({
    code: 'unknown-workflow',
    details: { known: ['bench-flow', 'order-saga', 'racer'] },
  });
  expect(error.message).toContain('known: bench-flow, order-saga, racer');
});

test('statewright diagram draws a workflow from the catalogue, without a workflows module', async () => {
  const answer = await statewright(['diagram', 'order-saga']);
  expect(answer.code).toBe(0);
  expect(answer.stdout).toBe(toMermaid(exampleRegistry().get('order-saga', 1)!));
  const unknown = await statewright(['diagram', 'no-such-flow']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown workflow no-such-flow; known: bench-flow, order-saga, racer');
});
