// `make run`: the order saga live on the local stack. Starts the orchestrator, the example workers and
// the gateway, sends a handful of orders through the gateway (most complete, one is compensated, one
// times out, one is cancelled), prints every transition as it is committed, then says where things
// are. Ctrl-C stops everything it started; with RUN_ONCE=1 it stops by itself once every order is done.
// Sensitive fields are encrypted with a KEK kept in .run/kek (made on first run) unless STATEWRIGHT_KEK_FILE
// names another.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import type { TransitionEnvelope } from '../../services/platform/codec/transition-envelope';
import { generateKekLine } from '../../services/platform/crypto';
import { topicNames } from '../../services/platform/kafka/topic-names';
import type { OrderInput } from './definition';

const FINAL = new Set(['completed', 'failed', 'cancelled', 'compensated', 'timed_out']);
const dist = path.resolve(__dirname, '..', '..');
const runDir = path.resolve(dist, '..', '.run');
const logDir = path.join(runDir, 'logs');
const gatewayPort = Number(process.env.GATEWAY_PORT ?? 8080);
const gateway = `http://127.0.0.1:${gatewayPort}`;
const metricsPort = Number(process.env.METRICS_PORT ?? 9464);
const shippingTimeoutMs = Number(process.env.ORDER_SHIPPING_TIMEOUT_MS ?? 8_000);
const prefix = process.env.STATEWRIGHT_PREFIX ?? 'statewright';

const children: ChildProcess[] = [];

/** A key-encryption key for this checkout's demo runs, made once and kept (mode 600). */
function demoKekFile(): string {
  const file = path.join(runDir, 'kek');
  if (!existsSync(file)) {
    mkdirSync(runDir, { recursive: true });
    writeFileSync(file, `${generateKekLine('demo-1')}\n`, { mode: 0o600 });
  }
  return file;
}

function startService(name: string, script: string, env: NodeJS.ProcessEnv): void {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [path.join(dist, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  child.once('exit', (code, signal) => {
    if (!stopping)
      console.error(`${name} exited (${signal ?? code}); see ${path.join(logDir, `${name}.log`)}`);
  });
  children.push(child);
}

let stopping = false;
async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  process.exit(code);
}

async function gatewayReady(deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    const ok = await fetch(`${gateway}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the gateway did not become ready at ${gateway}/readyz; see ${logDir}`);
}

function order(id: string, sku: string, address: string): OrderInput {
  return {
    orderId: id,
    customer: { id: `customer-${id}`, email: `${id}@example.com` },
    items: [{ sku, quantity: 1 }],
    amount: 99,
    payment: { cardNumber: '4111111111111111' },
    address,
  };
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(`${gateway}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'x-actor': 'demo' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

const time = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 23);

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 6);
  const orders = [
    { id: `order-${run}-1`, input: order(`order-${run}-1`, 'SKU-1', 'Main Street 1'), expect: 'completed' },
    {
      id: `order-${run}-2`,
      input: order(`order-${run}-2-FLAKY`, 'SKU-2', 'Main Street 2'),
      expect: 'completed',
    },
    {
      id: `order-${run}-3`,
      input: order(`order-${run}-3`, 'OUT-OF-STOCK', 'Main Street 3'),
      expect: 'compensated',
    },
    {
      id: `order-${run}-4`,
      input: order(`order-${run}-4`, 'SKU-4', 'NEVER-SHIPS Lane 4'),
      expect: 'timed_out',
    },
    { id: `order-${run}-5`, input: order(`order-${run}-5`, 'SKU-5', 'Main Street 5'), expect: 'cancelled' },
  ];
  const catalogue = path.join(dist, 'examples', 'catalogue.js');
  const env = {
    STATEWRIGHT_WORKFLOWS: catalogue,
    STATEWRIGHT_HANDLERS: catalogue,
    STATEWRIGHT_KEK_FILE: process.env.STATEWRIGHT_KEK_FILE ?? demoKekFile(),
    ORDER_SHIPPING_TIMEOUT_MS: String(shippingTimeoutMs),
    METRICS_PORT: String(metricsPort),
    GATEWAY_PORT: String(gatewayPort),
  };
  console.log(`starting the orchestrator, the example workers and the gateway (logs in ${logDir})`);
  startService('orchestrator', 'services/orchestrator/main.js', env);
  startService('workers', 'services/worker/main.js', env);
  startService('gateway', 'services/gateway/main.js', env);

  const topics = topicNames(prefix);
  const kafka = new Kafka({
    brokers: [process.env.KAFKA_BROKERS!],
    clientId: 'demo',
    logLevel: logLevel.ERROR,
  });
  await gatewayReady(Date.now() + 120_000);
  const codec = await EnvelopeCodec.connect({ registryUrl: process.env.SCHEMA_REGISTRY_URL!, topics });
  const status = new Map<string, string>();
  const allDone = tailTransitions(kafka, codec, topics.transitions, run, status, orders.length);

  console.log(`\nstarting ${orders.length} orders through ${gateway}:\n`);
  for (const { id, input } of orders)
    await post(`/workflows/order-saga/instances?wait=10000`, { correlationId: id, input });
  await post(`/instances/${orders[4]!.id}/cancel`, { reason: 'customer changed their mind' });

  await allDone;
  console.log('\nevery order has finished:');
  for (const { id, expect } of orders)
    console.log(`  ${id.padEnd(20)} ${status.get(id)}   (expected ${expect})`);
  console.log(`
gateway     ${gateway}   e.g. curl ${gateway}/instances/${orders[0]!.id}   or   .../history
operator UI ${gateway}/ui/   (authentication disabled here: every visitor is an admin)
openapi     ${gateway}/openapi.json
metrics     http://127.0.0.1:${metricsPort}/metrics
logs        ${logDir}
stack       make status | make logs | make down
`);
  if (process.env.RUN_ONCE === '1') await stopAll(0);
  console.log('press Ctrl-C to stop the orchestrator, the workers and the gateway');
}

/** Prints this run's transitions as they are committed; resolves once `expected` orders are final. */
async function tailTransitions(
  kafka: Kafka,
  codec: EnvelopeCodec,
  topic: string,
  run: string,
  status: Map<string, string>,
  expected: number,
): Promise<void> {
  const consumer = kafka.consumer({ groupId: `demo-${run}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  return new Promise((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          const record = (await codec.decode('transition', message.value)) as TransitionEnvelope;
          if (!record.correlationId.includes(`-${run}-`)) return;
          const what = record.kind === 'transition' ? `${record.from ?? '∅'} → ${record.to}` : record.kind;
          const seq = record.seq === null ? '  ' : `#${record.seq}`;
          console.log(
            `${time(record.at)}  ${record.correlationId.padEnd(16)} ${seq.padStart(3)}  ${what.padEnd(28)} ${record.event ?? ''}`,
          );
          if (record.status !== null) status.set(record.correlationId, record.status);
          if ([...status.values()].filter((s) => FINAL.has(s)).length >= expected) resolve();
        },
      })
      .catch(reject);
  });
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));
main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll(1);
});
