// The secure local stack (SECURE=1): Kafka on TLS + SASL/SCRAM with the StandardAuthorizer and ACLs, Redis on
// TLS + AUTH. The orchestrator, the example workers and the gateway run from dist/ as their own principals and
// carry an order to completed; plaintext and unauthenticated clients are refused; a worker may not write the
// orchestrator's topics; and no password the stack made appears in any log line of the run.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../harness/eventually';
import { repoRoot } from '../harness/infrastructure';
import { testNamespace } from '../harness/namespace';
import { ProcessFleet } from '../harness/process-fleet';
import {
  kafkaConnects,
  kafkaWrites,
  plaintextExchange,
  protocolErrorType,
  redisPing,
  type KafkaProbe,
} from '../harness/secure-probes';
import { freePorts, startSecureStack, type Principal, type SecureStack } from '../harness/secure-stack';
import { leakedCredentials } from './log-audit';
import { EXAMPLE_MODULES } from '../harness/examples';

const ns = testNamespace('secure');
const deployment = {
  prefix: ns.prefix,
  orchestratorGroup: `${ns.prefix}.orchestrator`,
  workerGroup: `${ns.prefix}.workers`,
  gatewayGroup: `${ns.prefix}.gateway-projection`,
};
const logDir = path.join(repoRoot, 'test-results', 'security', ns.prefix);
let stack: SecureStack;
let fleet: ProcessFleet;
let gateway = '';

const as = (principal: Principal): KafkaProbe => {
  const settings = stack.settings(principal);
  return {
    brokers: stack.kafkaBrokers,
    caFile: stack.caFile,
    sasl: { username: settings.KAFKA_SASL_USERNAME!, password: settings.KAFKA_SASL_PASSWORD! },
  };
};

const order = (id: string) => ({
  orderId: id,
  customer: { id: `customer-${id}`, email: `${id}@example.com` },
  items: [{ sku: 'SKU-1', quantity: 1 }],
  amount: 25,
  payment: { cardNumber: '4111111111111111' },
  address: 'Main Street 1',
});

const instanceStatus = async (id: string): Promise<string | undefined> => {
  const response = await fetch(`${gateway}/instances/${id}`);
  return response.status === 200 ? ((await response.json()) as { status: string }).status : undefined;
};

beforeAll(async () => {
  stack = await startSecureStack(deployment, path.join(logDir, 'stack'));
  const [port] = await freePorts(1);
  gateway = `http://127.0.0.1:${port}`;
  fleet = new ProcessFleet(logDir, {
    ...EXAMPLE_MODULES,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_GROUP: deployment.orchestratorGroup,
    WORKER_GROUP: deployment.workerGroup,
    STATEWRIGHT_PROJECTION_GROUP: deployment.gatewayGroup,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PARTITIONS: '3',
    GATEWAY_PORT: String(port),
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
  });
  // The orchestrator provisions the topics; the others start once it is ready.
  const orchestrator = fleet.start(
    'orchestrator',
    'services/orchestrator/main.js',
    stack.settings('orchestrator'),
  );
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'services/worker/main.js', stack.settings('worker'));
  fleet.start('gateway', 'services/gateway/main.js', stack.settings('gateway'));
  await eventually(
    'the gateway to be ready',
    () =>
      fetch(`${gateway}/readyz`).then(
        (response) => response.ok,
        () => false,
      ),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}, 300_000);

afterAll(async () => {
  try {
    await fleet?.stopAll();
  } finally {
    await stack?.stop();
  }
}, 120_000);

test('an order started through the gateway completes over TLS + SCRAM Kafka and TLS + AUTH Redis', async () => {
  const response = await fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'secure-order-1' },
    body: JSON.stringify({ correlationId: 'secure-order-1', input: order('secure-order-1') }),
  });
  expect([200, 202]).toContain(response.status);
  const status = await eventually(
    'secure-order-1 to finish',
    async () => {
      const current = await instanceStatus('secure-order-1');
      return current !== undefined && current !== 'running' ? current : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  expect(status).toBe('completed');
});

test('Kafka refuses a plaintext client, a TLS client without SASL and a wrong password, and lets the user in', async () => {
  const plaintext = await kafkaConnects({ brokers: stack.kafkaBrokers });
  expect(plaintext).toBeInstanceOf(Error);
  expect((plaintext as Error).message).toMatch(/closed connection/i);
  const withoutSasl = await kafkaConnects({ brokers: stack.kafkaBrokers, caFile: stack.caFile });
  expect(withoutSasl).toBeInstanceOf(Error);
  expect((withoutSasl as Error).message).toMatch(/closed connection/i);
  const wrongPassword = await kafkaConnects({
    ...as('worker'),
    sasl: { username: 'worker', password: 'not-the-password' },
  });
  expect(wrongPassword).toBeInstanceOf(Error);
  expect((wrongPassword as Error).message).toMatch(/authentication failed/i);
  expect(await kafkaConnects(as('worker'))).toBe('ok');
});

test("the controller listener refuses a client without the broker's certificate", async () => {
  const withoutCertificate = await kafkaConnects({
    brokers: `127.0.0.1:${stack.controllerPort}`,
    caFile: stack.caFile,
  });
  expect(withoutCertificate).toBeInstanceOf(Error);
  const plaintext = await plaintextExchange(stack.controllerPort, 'not a TLS client hello');
  expect(plaintext.closed).toBe(true);
});

test('Redis refuses a client without the password and a plaintext client, and answers the password', async () => {
  expect(await redisPing(stack.redisPort, stack.caFile)).toMatch(/^NOAUTH/);
  expect(await redisPing(stack.redisPort, stack.caFile, 'not-the-password')).toMatch(/^WRONGPASS/);
  const plaintext = await plaintextExchange(stack.redisPort, 'PING\r\n');
  expect(plaintext).toMatchObject({ closed: true });
  expect(plaintext.answer).not.toContain('PONG');
  const password = stack.settings('worker').REDIS_PASSWORD!;
  expect(await redisPing(stack.redisPort, stack.caFile, password)).toBe('PONG');
});

test.each([
  ['worker', 'transitions'],
  ['worker', 'tasks'],
  ['gateway', 'transitions'],
] as const)('the broker denies the %s principal a write to the %s topic', async (principal, topic) => {
  const written = await kafkaWrites(as(principal), `${ns.prefix}.${topic}`);
  expect(written).toBeInstanceOf(Error);
  expect(protocolErrorType(written)).toBe('TOPIC_AUTHORIZATION_FAILED');
});

test('no password the stack made appears in any log line of the run', async () => {
  await fleet.stopAll();
  const serviceLogs = readdirSync(logDir)
    .filter((file) => file.endsWith('.log'))
    .map((file) => readFileSync(path.join(logDir, file), 'utf8'));
  expect(serviceLogs).toHaveLength(3);
  const lines = [...serviceLogs.join('\n').split('\n'), ...stack.logLines()];
  const secrets = stack.secrets();
  expect(secrets).toHaveLength(5);
  expect(leakedCredentials(lines, secrets)).toEqual([]);
});
