// One trace from an HTTP start request to the result of the task it caused: gateway, orchestrator and workers run
// in this process on the real stack, sharing one in-memory span exporter, and the W3C context travels only
// through Kafka headers between them, as it does between processes.
import { randomBytes, randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_ORDER_WORKER_SETTINGS, orderSagaHandlers } from '../../examples/order-saga/workers';
import { loadGatewayConfig } from '../../services/gateway/config/gateway-config';
import { startGateway, type Gateway } from '../../services/gateway/gateway';
import type { Orchestrator } from '../../services/orchestrator/orchestrator';
import { exampleRegistry } from '../harness/examples';
import { startTracing, type Tracing } from '../../services/platform/tracing/tracing';
import { createWorker, RedisResultStore, type Worker } from '../../services/worker';
import { eventually } from '../harness/eventually';
import { endpoints } from '../harness/namespace';
import { OrchestratorFixture } from '../harness/orchestrator-fixture';
import { deleteGroups, teardown } from '../harness/teardown';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let fixture: OrchestratorFixture;
let gateway: Gateway;
let worker: Worker;
let orchestrator: Orchestrator | undefined;
let base = '';

const order = (orderId: string) => ({
  orderId,
  customer: { id: `customer-${orderId}`, email: `${orderId}@example.com` },
  items: [{ sku: 'SKU-1', quantity: 1 }],
  amount: 25,
  payment: { cardNumber: '4111111111111111' },
  address: 'Main Street 1',
});

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'statewright-trace-test', exporter });
  fixture = await OrchestratorFixture.create('trace', 2);
  const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
  const ns = fixture.namespace;
  orchestrator = await fixture.startOrchestrator(exampleRegistry(30_000));
  worker = createWorker({
    log: fixture.log,
    codec: fixture.codec,
    results: new RedisResultStore(fixture.redis, { redisPrefix: ns.redisPrefix }),
    topics: fixture.topics,
    groupId: `${ns.groupId}.workers`,
    name: 'trace-workers',
    logger: fixture.logger,
    handlers: orderSagaHandlers(fixture.redis, ns.redisPrefix, DEFAULT_ORDER_WORKER_SETTINGS),
  });
  await worker.start();
  const config = loadGatewayConfig({
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PROJECTION_GROUP: `${ns.groupId}.projection`,
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'silent',
  });
  await fixture.publishCatalogue(exampleRegistry(30_000));
  gateway = await startGateway(config, { logger: fixture.logger });
  base = await gateway.listen();
}, 90_000);

afterAll(async () => {
  const groupId = fixture?.namespace.groupId;
  await teardown(
    () => gateway?.close(),
    () => worker?.stop(),
    () => orchestrator && fixture.stopOrchestrator(orchestrator),
    () => fixture?.admin.deleteTopics({ topics: Object.values(fixture.topics) }),
    () => fixture && deleteGroups([groupId, `${groupId}.workers`, `${groupId}.projection`]),
    () => fixture?.close(),
    () => tracing?.shutdown(),
  );
}, 60_000);

async function startOrder(orderId: string, traceparent?: string): Promise<number> {
  const response = await fetch(`${base}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': `start-${orderId}`,
      ...(traceparent === undefined ? {} : { traceparent }),
    },
    body: JSON.stringify({ correlationId: orderId, input: order(orderId) }),
  });
  return response.status;
}

const attribute = (span: ReadableSpan, name: string) => span.attributes[name];
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const spansOf = (orderId: string) =>
  exporter.getFinishedSpans().filter((span) => attribute(span, 'statewright.correlation_id') === orderId);

/** The four hops of the first round trip of an order, once all of them have ended. */
function roundTrip(orderId: string) {
  const spans = spansOf(orderId);
  const find = (name: string, key: string, value: string, parent?: ReadableSpan) =>
    spans.find(
      (span) =>
        span.name === name &&
        attribute(span, key) === value &&
        (parent === undefined || parentOf(span) === parent.spanContext().spanId),
    );
  const publish = find('command.publish', 'statewright.command.type', 'start');
  const decideStart = find('command.decide', 'statewright.command.type', 'start');
  const validate = find('task.run', 'statewright.task.type', 'validate-order');
  const decideResult =
    validate && find('command.decide', 'statewright.command.type', 'task-result', validate);
  if (!publish || !decideStart || !validate || !decideResult) return undefined;
  return { publish, decideStart, validate, decideResult };
}

test('a start request, its transition, the validate-order task and its result form one parent-linked trace', async () => {
  const orderId = `trace-${randomUUID()}`;
  expect(await startOrder(orderId)).toBe(202);
  const hops = await eventually(`the round trip of ${orderId}`, () => roundTrip(orderId), {
    timeoutMs: 30_000,
  });
  const { publish, decideStart, validate, decideResult } = hops;
  const traceId = publish.spanContext().traceId;
  for (const span of Object.values(hops)) expect(span.spanContext().traceId).toBe(traceId);
  expect(publish.parentSpanContext).toBeUndefined();
  expect(parentOf(decideStart)).toBe(publish.spanContext().spanId);
  expect(parentOf(validate)).toBe(decideStart.spanContext().spanId);
  expect(parentOf(decideResult)).toBe(validate.spanContext().spanId);
  expect(decideStart.parentSpanContext?.isRemote).toBe(true);
  expect(Object.values(hops).map((span) => span.instrumentationScope.name)).toEqual([
    'statewright-gateway',
    'statewright-orchestrator',
    'statewright-worker',
    'statewright-orchestrator',
  ]);
  expect(attribute(decideStart, 'statewright.outcome')).toBe('applied');
  expect(attribute(validate, 'statewright.task.outcome')).toBe('succeeded');
  expect(attribute(decideResult, 'statewright.outcome')).toBe('applied');
});

test("a request's traceparent becomes the parent of the gateway's span, and the trace continues through the task", async () => {
  const orderId = `trace-${randomUUID()}`;
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  expect(await startOrder(orderId, `00-${traceId}-${callerSpanId}-01`)).toBe(202);
  const hops = await eventually(`the round trip of ${orderId}`, () => roundTrip(orderId), {
    timeoutMs: 30_000,
  });
  expect(hops.publish.parentSpanContext).toMatchObject({ traceId, spanId: callerSpanId, isRemote: true });
  for (const span of Object.values(hops)) expect(span.spanContext().traceId).toBe(traceId);
});
