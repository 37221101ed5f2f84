// Ids and scopes with the real orchestrator, workers and gateway (authentication on): a caller's Idempotency-Key
// never reaches another workflow's instance or another caller's command, never shadows an id statewright derives
// (a timer's, a task run's), and a purged correlation id started again runs every task anew.
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { commandId, correlationId, timerCommandId, type Command } from '../../services/core';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';
import { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import { commandPartitioner } from '../../services/platform/kafka/command-partition';
import { topicNames } from '../../services/platform/kafka/topic-names';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/free-port';
import { endpoints, testNamespace } from '../harness/namespace';
import type { ProcessFleet } from '../harness/process-fleet';
import {
  exampleOrder,
  fleetEnvironment,
  removeNamespaces,
  startExampleFleet,
} from '../harness/example-fleet';
import { createCredentialKit, type CredentialKit } from './credential-kit';

jest.setTimeout(120_000);

const ns = testNamespace('sec-ids');
const topics = topicNames(ns.prefix);
const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
const redis = new Redis(redisUrl);
const kafka = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
let gateway = '';
let fleet: ProcessFleet;
let kit: CredentialKit;
let codec: EnvelopeCodec;
const tokens: Record<'admin' | 'alice' | 'bob' | 'benchOnly', string> = {
  admin: '',
  alice: '',
  bob: '',
  benchOnly: '',
};

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

async function request(
  method: 'GET' | 'POST',
  url: string,
  token: string,
  options: { key?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway}${url}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    text,
  };
}

interface View {
  readonly state: string;
  readonly status: string;
  readonly seq: number;
  readonly timers: { kind: string; timerId: string }[];
  readonly openTasks: { type: string; taskId: string; runId: string }[];
  readonly context: Record<string, unknown>;
}

const view = async (id: string): Promise<View | undefined> => {
  const answer = await request('GET', `/instances/${encodeURIComponent(id)}`, tokens.admin);
  return answer.status === 200 ? (answer.body as unknown as View) : undefined;
};

const until = (what: string, id: string, test: (found: View) => boolean) =>
  eventually(
    what,
    async () => {
      const found = await view(id);
      return found !== undefined && test(found) ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );

const startOrder = (id: string, key: string, token = tokens.admin, extra = {}) =>
  request('POST', '/workflows/order-saga/instances', token, {
    key,
    body: { correlationId: id, input: exampleOrder(id, extra) },
  });

/** A command produced straight to the commands topic, as any Kafka client with access may. */
async function produce(command: Command): Promise<void> {
  const producer = kafka.producer({ idempotent: true, createPartitioner: commandPartitioner });
  await producer.connect();
  try {
    const value = codec.encode('command', toCommandEnvelope(command));
    await producer.send({ topic: topics.commands, messages: [{ key: command.correlationId, value }] });
  } finally {
    await producer.disconnect();
  }
}

const envelope = (id: string, commandIdText: string) => ({
  commandId: commandId(commandIdText),
  correlationId: correlationId(id),
  workflow: 'order-saga',
  actor: 'direct-producer',
  timestamp: Date.now(),
  expectedSeq: null,
  sourceSeq: null,
});

const effects = async (effect: string, id: string) =>
  Number((await redis.get(`${ns.redisPrefix}:effects:${effect}:${id}`)) ?? 0);

beforeAll(async () => {
  kit = await createCredentialKit();
  tokens.admin = await kit.token({ sub: 'root', roles: ['admin'], expiresIn: 600 });
  tokens.alice = await kit.token({ sub: 'alice', roles: ['operator'], expiresIn: 600 });
  tokens.bob = await kit.token({ sub: 'bob', roles: ['operator'], expiresIn: 600 });
  tokens.benchOnly = await kit.token({
    sub: 'mallory',
    roles: ['operator'],
    workflows: ['bench-flow'],
    expiresIn: 600,
  });
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  const env = fleetEnvironment(ns, {
    ORDER_SHIPPING_TIMEOUT_MS: '3000',
    GATEWAY_PORT: String(port),
    ...kit.env,
  });
  fleet = await startExampleFleet('security', ns, gateway, env);
  codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
});

afterAll(async () => {
  await fleet?.stopAll();
  await removeNamespaces([ns]);
  await redis.quit();
  await kit?.dispose();
});

test('a caller scoped to bench-flow cannot read an order-saga instance through a start keyed with its run id', async () => {
  const id = `sec-scope-${Date.now()}`;
  await startOrder(id, `${id}-start`);
  const running = await until(`${id} to have open tasks`, id, (found) => found.openTasks.length > 0);
  const runId = running.openTasks[0]!.runId;
  const attempt = await request('POST', '/workflows/bench-flow/instances?wait=30000', tokens.benchOnly, {
    key: runId,
    body: { correlationId: id, input: { id, amount: 1 } },
  });
  expect(attempt.status).toBe(409);
  expect(attempt.body).toMatchObject({ error: { code: 'correlation-id-taken' } });
  expect(attempt.text).not.toContain('order-saga');
  expect(attempt.text).not.toContain(`customer-${id}`);
  const read = await request('GET', `/instances/${id}`, tokens.benchOnly);
  expect(read.status).toBe(404);
  expect(read.text).not.toContain('order-saga');
});

test('a signal keyed with a timer’s command id does not stop that timer from firing', async () => {
  const id = `sec-timer-${Date.now()}`;
  await startOrder(id, `${id}-start`, tokens.admin, { address: 'NEVER-SHIPS Road' });
  const shipping = await until(`${id} to wait in shipping`, id, (found) => found.state === 'shipping');
  const timer = shipping.timers.find((t) => t.kind === 'timeout')!;
  const viaGateway = await request(
    'POST',
    `/instances/${id}/signals/priority-requested?wait=10000`,
    tokens.admin,
    {
      key: timerCommandId(timer.timerId),
      body: {},
    },
  );
  expect(viaGateway.status).toBe(200);
  expect(viaGateway.body).toMatchObject({ outcome: { kind: 'applied' } });
  await produce({
    ...envelope(id, timerCommandId(timer.timerId)),
    type: 'signal',
    event: 'priority-requested',
    payload: {},
  });
  expect((await until(`${id} to time out`, id, (found) => found.status !== 'running')).status).toBe(
    'timed_out',
  );
});

test('a signal keyed with a task run id does not stop that run’s result from applying', async () => {
  const id = `sec-run-${Date.now()}`;
  await startOrder(id, `${id}-start`, tokens.admin, { address: 'NEVER-SHIPS Road' });
  const shipping = await until(`${id} to wait in shipping`, id, (found) => found.state === 'shipping');
  const ship = shipping.openTasks.find((task) => task.type === 'ship-order')!;
  const viaGateway = await request(
    'POST',
    `/instances/${id}/signals/priority-requested?wait=10000`,
    tokens.admin,
    {
      key: ship.runId,
      body: {},
    },
  );
  expect(viaGateway.body).toMatchObject({ outcome: { kind: 'applied' } });
  await produce({ ...envelope(id, ship.runId), type: 'signal', event: 'priority-requested', payload: {} });
  await until(`${id} to record the direct signal`, id, (found) => found.seq >= shipping.seq + 2);
  await produce({
    ...envelope(id, ship.runId),
    type: 'task-result',
    taskId: ship.taskId as never,
    runId: ship.runId as never,
    outcome: { kind: 'succeeded', output: { shipmentId: 'shp-late', priority: false } },
  });
  const done = await until(`${id} to finish`, id, (found) => found.status !== 'running');
  expect(done.status).toBe('completed');
  expect(done.context).toMatchObject({ shipmentId: 'shp-late' });
});

test('a purged correlation id started again runs every handler again, with the new input', async () => {
  const id = `sec-reborn-${Date.now()}`;
  await startOrder(id, `${id}-first`, tokens.admin, { amount: 100 });
  const first = await until(`${id} to complete`, id, (found) => found.status !== 'running');
  expect(first.status).toBe('completed');
  const purged = await request('POST', `/instances/${id}/purge?wait=10000`, tokens.admin, {
    key: `${id}-purge`,
  });
  expect(purged.body).toMatchObject({ outcome: { kind: 'applied' } });
  await eventually('the purge to be projected', async () => (await view(id)) === undefined);
  await startOrder(id, `${id}-second`, tokens.admin, { amount: 777 });
  const second = await until(`${id} to complete again`, id, (found) => found.status !== 'running');
  expect(second.status).toBe('completed');
  for (const effect of ['reserve', 'charge', 'ship']) expect(await effects(effect, id)).toBe(2);
  expect(second.context).toMatchObject({ amount: 777 });
});

test('two callers using the same Idempotency-Key do not interfere', async () => {
  const key = `shared-key-${Date.now()}`;
  const one = `sec-alice-${Date.now()}`;
  const two = `sec-bob-${Date.now()}`;
  const alice = await startOrder(one, key, tokens.alice);
  const bob = await startOrder(two, key, tokens.bob);
  expect([200, 202]).toContain(alice.status);
  expect([200, 202]).toContain(bob.status);
  expect(alice.body.commandId).not.toBe(bob.body.commandId);
  await until(`${one} to exist`, one, () => true);
  await until(`${two} to exist`, two, () => true);
  const replay = await startOrder(one, key, tokens.alice);
  expect(replay.status).toBe(200);
  expect(replay.body).toMatchObject({ commandId: alice.body.commandId, correlationId: one });
  const elsewhere = await startOrder(`${two}-other`, key, tokens.alice);
  expect(elsewhere.status).toBe(409);
  expect(elsewhere.body).toMatchObject({ error: { code: 'idempotency-key-reused' } });
});

test('a 300-character correlation id can be read, cancelled and erased through the API', async () => {
  const id = `sec-long-${'x'.repeat(300 - 'sec-long-'.length)}`;
  expect(id).toHaveLength(300);
  const started = await startOrder(id, `${id.slice(0, 40)}-start`, tokens.admin, {
    address: 'NEVER-SHIPS Road',
  });
  expect([200, 202]).toContain(started.status);
  await until(`${id} to be projected`, id, () => true);
  const url = `/instances/${encodeURIComponent(id)}`;
  const cancelled = await request('POST', `${url}/cancel?wait=10000`, tokens.admin, {
    key: 'long-cancel',
    body: { reason: 'long id' },
  });
  expect(cancelled.body).toMatchObject({ outcome: { kind: 'applied' } });
  await until(`${id} to be cancelled`, id, (found) => found.status === 'cancelled');
  const erased = await request('POST', `${url}/erase?wait=10000`, tokens.admin, { key: 'long-erase' });
  expect(erased.body).toMatchObject({ outcome: { kind: 'applied' } });
  const history = await request('GET', `${url}/history`, tokens.admin);
  expect(history.status).toBe(200);
});

test('a correlation id over the limit or with control characters is refused at start', async () => {
  for (const id of ['y'.repeat(401), 'order\u001b[2J', 'order\r\nX-Injected: 1']) {
    const answer = await startOrder(id, `bad-${Date.now()}-${id.length}`);
    expect({ id, status: answer.status }).toEqual({ id, status: 400 });
  }
});

test('a token whose subject holds control characters is refused', async () => {
  const token = await kit.token({ sub: 'mallory\u001b[2J\rroot', roles: ['admin'] });
  expect((await request('GET', '/audit', token)).status).toBe(401);
});

test('a finished instance takes no new signal or cancel, but a repeated request gets its first answer', async () => {
  const id = `sec-finished-${Date.now()}`;
  await startOrder(id, `${id}-start`, tokens.admin, { address: 'NEVER-SHIPS Road' });
  await until(`${id} to wait in shipping`, id, (found) => found.state === 'shipping');
  const cancel = () =>
    request('POST', `/instances/${id}/cancel?wait=10000`, tokens.admin, {
      key: `${id}-cancel`,
      body: { reason: 'first' },
    });
  expect((await cancel()).body).toMatchObject({ outcome: { kind: 'applied' } });
  const done = await until(`${id} to be cancelled`, id, (found) => found.status === 'cancelled');
  const replay = await cancel();
  expect(replay.status).toBe(200);
  expect(replay.body).toMatchObject({ outcome: { kind: 'applied' } });
  for (let i = 0; i < 5; i++) {
    const again = await request('POST', `/instances/${id}/cancel`, tokens.admin, {
      key: `${id}-cancel-${i}`,
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'instance-finished' } });
  }
  const signal = await request('POST', `/instances/${id}/signals/priority-requested`, tokens.admin, {
    key: `${id}-signal`,
    body: {},
  });
  expect(signal.status).toBe(409);
  expect((await view(id))?.seq).toBe(done.seq);
});
