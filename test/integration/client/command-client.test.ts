// The command client against the real stack and the example fleet: a start it publishes runs like one through
// the gateway, a repeated idempotency key is applied once, a cancel unwinds an order, and the client's command id
// for an actor's key is the gateway's for the same actor and key.
import Redis from 'ioredis';
import {
  ClientClosedError,
  createCommandClient,
  InvalidCommandError,
  type CommandClient,
} from 'statewright/client';
import { freePort } from '../../harness/free-port';
import { endpoints, testNamespace } from '../../harness/namespace';
import type { ProcessFleet } from '../../harness/process-fleet';
import {
  exampleOrder,
  finishedInstance,
  fleetEnvironment,
  removeNamespaces,
  startExampleFleet,
} from '../../harness/example-fleet';

const ns = testNamespace('client');
const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
const redis = new Redis(redisUrl);
const ACTOR = 'billing-service';
let gateway = '';
let fleet: ProcessFleet;
let client: CommandClient;

interface InstanceView {
  readonly status: string;
  readonly seq: number;
}

const charges = async (id: string) => redis.get(`${ns.redisPrefix}:effects:charge:${id}`);

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = await startExampleFleet(
    'integration',
    ns,
    gateway,
    fleetEnvironment(ns, { GATEWAY_PORT: String(port) }),
  );
  client = await createCommandClient({
    actor: ACTOR,
    brokers: kafkaBrokers.split(','),
    registryUrl: schemaRegistryUrl,
    topicPrefix: ns.prefix,
    env: {},
  });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await fleet?.stopAll();
  await removeNamespaces([ns]);
  await redis.quit();
});

test('an order started through the client runs to completion, charged once', async () => {
  const published = await client.start('order-saga', 'client-1', exampleOrder('client-1'), {
    idempotencyKey: 'start-client-1',
  });
  expect(published).toMatchObject({ correlationId: 'client-1', workflow: 'order-saga' });
  expect((await finishedInstance<InstanceView>(gateway, 'client-1')).status).toBe('completed');
  expect(await charges('client-1')).toBe('1');
});

test('a start sent twice under one idempotency key is one command, applied once', async () => {
  const key = { idempotencyKey: 'start-client-2' };
  const first = await client.start('order-saga', 'client-2', exampleOrder('client-2'), key);
  const again = await client.start('order-saga', 'client-2', exampleOrder('client-2'), key);
  expect(again.commandId).toBe(first.commandId);
  await client.start('order-saga', 'client-3', exampleOrder('client-3'), {
    idempotencyKey: 'start-client-3',
  });

  const twice = await finishedInstance<InstanceView>(gateway, 'client-2');
  const once = await finishedInstance<InstanceView>(gateway, 'client-3');
  expect(twice.status).toBe('completed');
  // The duplicate added no transition: the instance went the same way, in as many steps, as one started once.
  expect(twice.seq).toBe(once.seq);
  expect(await charges('client-2')).toBe('1');
});

test('a cancel through the client unwinds a running order', async () => {
  const order = exampleOrder('client-4', { address: 'NEVER-SHIPS Road' });
  await client.start('order-saga', 'client-4', order, { idempotencyKey: 'start-client-4' });
  await client.cancel('order-saga', 'client-4', {
    idempotencyKey: 'cancel-client-4',
    reason: 'changed mind',
  });
  expect((await finishedInstance<InstanceView>(gateway, 'client-4')).status).toBe('cancelled');
});

test('the gateway and the client derive one command id from one actor’s key: the second send is a duplicate', async () => {
  const response = await fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'start-client-5', 'x-actor': ACTOR },
    body: JSON.stringify({ correlationId: 'client-5', input: exampleOrder('client-5') }),
  });
  expect(response.status).toBe(202);
  const { commandId } = (await response.json()) as { commandId: string };
  const published = await client.start('order-saga', 'client-5', exampleOrder('client-5'), {
    idempotencyKey: 'start-client-5',
  });
  expect(published.commandId).toBe(commandId);
  expect((await finishedInstance<InstanceView>(gateway, 'client-5')).status).toBe('completed');
  expect(await charges('client-5')).toBe('1');
});

test('a command the orchestrator would refuse is refused before it is published', async () => {
  await expect(
    client.signal('order-saga', 'client-1', 'customer-note', { note: 'x' }, { idempotencyKey: 'has space' }),
  ).rejects.toBeInstanceOf(InvalidCommandError);
});

test('a closed client publishes nothing more', async () => {
  await client.close();
  await expect(
    client.cancel('order-saga', 'client-1', { idempotencyKey: 'after-close' }),
  ).rejects.toBeInstanceOf(ClientClosedError);
});
