// The versions overview against the real stack: order-saga versions 1 to 3 in the catalogue, instances decided by
// the pure core and produced to the real transitions topic, the rollout rule on the real settings topic. The
// gateway answers per version the live instances by state, the oldest one, the share of new starts and whether it
// can be retired; a viewer scoped to another workflow is refused; `statewright versions` prints the same.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRegistry,
  decide,
  EMPTY_ENVIRONMENT,
  type Command,
  type Instance,
  type LogRecord,
  type RolloutRule,
} from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import { settingsMessage } from '../../../services/platform/codec/settings-record';
import { publishTestCatalogue } from '../../harness/catalogue';
import { eventually } from '../../harness/eventually';
import { exampleRegistry } from '../../harness/examples';
import { cancel, startOrder } from '../../harness/order-commands';
import { buildCli, statewright } from '../cli/cli-process';
import { startFixture, type GatewayFixture } from './gateway-fixture';

const KEYS = { all: `all-${randomUUID()}`, bench: `bench-${randomUUID()}` };
const T0 = Date.UTC(2026, 0, 1);
const run = randomUUID().slice(0, 8);
const registry = createRegistry([
  ...exampleRegistry()
    .names()
    .filter((name) => name !== 'order-saga')
    .map((name) => exampleRegistry().get(name, 1)!),
  orderSaga(),
  { ...orderSaga(), version: 2 },
  { ...orderSaga(), version: 3 },
]);

let fixture: GatewayFixture;
let dir: string;
const instances = new Map<string, Instance>();

const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const get = (url: string, key = KEYS.all) =>
  fixture.call({ method: 'GET', url, headers: { 'x-api-key': key } });

function decideAll(id: string, at: number, commands: readonly Command[]): LogRecord[] {
  let instance: Instance | undefined;
  const records: LogRecord[] = [];
  commands.forEach((command, index) => {
    const step = decide(registry, instance, command, T0 + at + index, EMPTY_ENVIRONMENT);
    instance = step.instance;
    records.push(...step.records);
  });
  if (instance !== undefined) instances.set(id, instance);
  return records;
}

const startOn = (id: string, version: number): Command => ({ ...startOrder(id), version });

async function setRollout(rule: RolloutRule, revision: number): Promise<void> {
  const producer = fixture.kafka.producer();
  await producer.connect();
  try {
    const record = {
      workflow: 'order-saga',
      rollout: rule,
      dedupe: null,
      revision,
      recent: [],
      actor: 'release-manager',
      commandId: `settings-${randomUUID()}`,
      at: Date.now(),
    };
    await producer.send({ topic: fixture.topics.settings, messages: [settingsMessage(record)] });
  } finally {
    await producer.disconnect();
  }
}

interface VersionsBody {
  workflow: string;
  rollout: RolloutRule | null;
  versions: {
    version: number;
    live: number;
    byState: Record<string, number>;
    oldest: { correlationId: string; startedAt: number } | null;
    startShare: number;
    receivesStarts: boolean;
    retirable: boolean;
  }[];
}

const versions = async (): Promise<VersionsBody> => {
  const answer = await get('/workflows/order-saga/versions');
  expect(answer.statusCode).toBe(200);
  return answer.json() as VersionsBody;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'versions-keys-'));
  const file = path.join(dir, 'api-keys.json');
  writeFileSync(
    file,
    JSON.stringify({
      [sha(KEYS.all)]: { name: 'viewer-all', roles: ['viewer'] },
      [sha(KEYS.bench)]: { name: 'viewer-bench', roles: ['viewer'], workflows: ['bench-flow'] },
    }),
    { mode: 0o600 },
  );
  fixture = await startFixture('gw-versions', 2, { GATEWAY_API_KEYS_FILE: file });
  const { kafka, codec, topics, ns } = fixture;
  await publishTestCatalogue({ kafka, codec, topics, groupId: ns.groupId, registry });
  await eventually('versions 2 and 3 in the gateway catalogue', async () => {
    const answer = (await get('/workflows')).json() as { workflows: { name: string; versions: number[] }[] };
    return answer.workflows.find((w) => w.name === 'order-saga')?.versions.length === 3;
  });
  // Version 1: one instance that finished. Version 2: three live ones. Version 3: nothing yet.
  const records = [
    ...decideAll(`${run}-v1-done`, 0, [startOn(`${run}-v1-done`, 1), cancel(`${run}-v1-done`)]),
    ...decideAll(`${run}-v2-b`, 2_000, [startOn(`${run}-v2-b`, 2)]),
    ...decideAll(`${run}-v2-a`, 1_000, [startOn(`${run}-v2-a`, 2)]),
    ...decideAll(`${run}-v2-c`, 3_000, [startOn(`${run}-v2-c`, 2)]),
  ];
  const done = Promise.all(
    records.map((record) =>
      fixture.projected(
        ({ record: seen }) =>
          seen.correlationId === record.correlationId && seen.commandId === record.commandId,
      ),
    ),
  );
  await fixture.produceRecords(records);
  await done;
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('per version: live instances by state, the oldest live one, new starts and whether it can be retired', async () => {
  const live = [...instances.values()].filter((i) => i.version === 2 && i.status === 'running');
  expect(live).toHaveLength(3);
  expect(instances.get(`${run}-v1-done`)?.status).toBe('cancelled');
  const byState: Record<string, number> = {};
  for (const instance of live) byState[instance.state] = (byState[instance.state] ?? 0) + 1;

  const body = await versions();
  expect(body).toEqual({
    workflow: 'order-saga',
    rollout: null,
    versions: [
      {
        version: 1,
        live: 0,
        byState: {},
        oldest: null,
        startShare: 0,
        receivesStarts: false,
        retirable: true,
      },
      {
        version: 2,
        live: 3,
        byState,
        oldest: { correlationId: `${run}-v2-a`, startedAt: T0 + 1_000 },
        startShare: 0,
        receivesStarts: false,
        retirable: false,
      },
      {
        version: 3,
        live: 0,
        byState: {},
        oldest: null,
        startShare: 100,
        receivesStarts: true,
        retirable: false,
      },
    ],
  });
});

test('a rollout rule decides which versions new instances reach, and so which can be retired', async () => {
  const canary: RolloutRule = { kind: 'canary', stable: 1, canary: 2, percent: 25 };
  await setRollout(canary, 1);
  const body = await eventually('the canary rule in the answer', async () => {
    const answer = await versions();
    return answer.rollout?.kind === 'canary' ? answer : undefined;
  });
  expect(body.versions.map((v) => [v.version, v.startShare, v.receivesStarts, v.retirable])).toEqual([
    [1, 75, true, false],
    [2, 25, true, false],
    [3, 0, false, true],
  ]);
});

test('a viewer scoped to another workflow is refused; an unknown workflow is a 404', async () => {
  expect((await get('/workflows/order-saga/versions', KEYS.bench)).statusCode).toBe(403);
  expect((await get('/workflows/bench-flow/versions', KEYS.bench)).statusCode).toBe(200);
  const unknown = await get('/workflows/no-such-flow/versions');
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json()).toMatchObject({ error: { code: 'unknown-workflow' } });
});

test('statewright versions prints the overview as text, and as JSON with --json', async () => {
  await buildCli();
  const env = { STATEWRIGHT_API_KEY: KEYS.all };
  const text = await statewright(['versions', 'order-saga', '--gateway', fixture.base], env);
  expect(text.stderr).toBe('');
  expect(text.code).toBe(0);
  const lines = text.stdout.trim().split('\n');
  expect(lines[0]).toBe('order-saga (new instances: canary 2 at 25%, stable 1)');
  expect(lines[1]).toMatch(/^VERSION\s+LIVE\s+OLDEST LIVE\s+STARTED\s+NEW STARTS\s+RETIRABLE$/);
  expect(lines[2]).toMatch(/^1\s+0\s+-\s+-\s+75%\s+no$/);
  expect(lines[3]).toMatch(new RegExp(`^2\\s+3\\s+${run}-v2-a\\s+2026-01-01T00:00:01.000Z\\s+25%\\s+no$`));
  expect(lines[4]).toMatch(/^3\s+0\s+-\s+-\s+none\s+yes$/);
  expect(lines[5]).toMatch(/^ {2}v2 live by state: \S+ 3$/);

  const json = await statewright(['versions', '--gateway', fixture.base, '--json'], env);
  expect(json.code).toBe(0);
  const all = JSON.parse(json.stdout) as { workflows: VersionsBody[] };
  expect(all.workflows.map((w) => w.workflow)).toEqual(registry.names());
  expect(all.workflows.find((w) => w.workflow === 'order-saga')).toEqual(await versions());

  const refused = await statewright(['versions', 'order-saga', '--gateway', fixture.base], {
    STATEWRIGHT_API_KEY: KEYS.bench,
  });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('403');
}, 180_000);
