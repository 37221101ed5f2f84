// The gateway's GET /metrics and the worker runner's metrics server, scraped from real processes after order
// traffic over HTTP; the same processes export their spans over OTLP/HTTP to a collector in this test.
import path from 'node:path';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/free-port';
import { repoRoot } from '../harness/infrastructure';
import { endpoints, testNamespace } from '../harness/namespace';
import { ProcessFleet } from '../harness/process-fleet';
import { OtlpCollector, type CollectedSpan } from './otlp-collector';
import { ProcessOutput } from './process-output';
import { EXAMPLE_MODULES } from '../harness/examples';
import { removeNamespaces } from '../harness/example-fleet';
import { deleteGroups, teardown } from '../harness/teardown';

const ns = testNamespace('service-metrics');
const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
let fleet: ProcessFleet;
let collector: OtlpCollector;
let gateway = '';
let workerMetrics = '';

const order = (orderId: string) => ({
  orderId,
  customer: { id: `customer-${orderId}`, email: `${orderId}@example.com` },
  items: [{ sku: 'SKU-1', quantity: 1 }],
  amount: 25,
  payment: { cardNumber: '4111111111111111' },
  address: 'Main Street 1',
});

beforeAll(async () => {
  collector = await OtlpCollector.start();
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'observability', ns.prefix), {
    ...EXAMPLE_MODULES,
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_GROUP: ns.groupId,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PARTITIONS: '2',
    STATEWRIGHT_PROJECTION_GROUP: `${ns.groupId}.projection`,
    WORKER_GROUP: `${ns.groupId}.workers`,
    WORKER_METRICS_PORT: '0',
    GATEWAY_PORT: String(port),
    METRICS_PORT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js');
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  const workers = new ProcessOutput(fleet.start('workers', 'services/worker/main.js'));
  fleet.start('gateway', 'services/gateway/main.js');
  const [, metricsPort] = await workers.waitFor(/"metricsPort":(\d+)/);
  workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
  await eventually(
    'the gateway to be ready',
    () =>
      fetch(`${gateway}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}, 120_000);

afterAll(async () => {
  await teardown(
    () => fleet?.stopAll(),
    () => collector?.close(),
    () => removeNamespaces([ns]),
    () => deleteGroups([ns.groupId, `${ns.groupId}.workers`, `${ns.groupId}.projection`]),
  );
}, 60_000);

const start = (key: string, orderId: string, sku = 'SKU-1') =>
  fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({
      correlationId: orderId,
      input: { ...order(orderId), items: [{ sku, quantity: 1 }] },
    }),
  }).then((response) => response.status);

const completed = (orderId: string) =>
  eventually(
    `${orderId} to complete`,
    async () => {
      const response = await fetch(`${gateway}/instances/${orderId}`);
      return response.ok && ((await response.json()) as { status: string }).status === 'completed';
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return (await response.text())
    .split('\n')
    .map((line) => /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, name, labels, value]) => ({
      name: name!,
      labels: Object.fromEntries([...(labels ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])),
      value: Number(value),
    }));
}

/** The sum of the samples of `name` whose labels include `labels`. */
const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);

test('after traffic, the gateway and worker metrics show requests, commands, replays, 409s and handled tasks', async () => {
  expect(await start('metrics-once', 'metrics-1')).toBe(202);
  // A replay answers 200 instead when the projection has already seen the command's outcome.
  expect([200, 202]).toContain(await start('metrics-once', 'metrics-1'));
  expect(await start('metrics-once', 'metrics-1', 'SKU-2')).toBe(409);
  expect((await fetch(`${gateway}/no-such-route`)).status).toBe(404);
  await completed('metrics-1');

  const gw = await scrape(`${gateway}/metrics`);
  const route = { route: '/workflows/:name/instances', method: 'POST' };
  const answered = (status: string) =>
    total(gw, 'statewright_gateway_http_requests_total', { ...route, status });
  expect(answered('200') + answered('202')).toBe(2);
  expect(answered('409')).toBe(1);
  expect(total(gw, 'statewright_gateway_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
  expect(total(gw, 'statewright_gateway_http_request_duration_seconds_count', route)).toBe(3);
  expect(total(gw, 'statewright_gateway_commands_published_total', { type: 'start' })).toBe(1);
  expect(total(gw, 'statewright_gateway_idempotent_replays_total')).toBe(1);
  expect(total(gw, 'statewright_gateway_idempotency_conflicts_total', { reason: 'key-reused' })).toBe(1);

  const wk = await scrape(workerMetrics);
  for (const type of ['validate-order', 'reserve-inventory', 'authorize-payment', 'ship-order']) {
    expect(total(wk, 'statewright_worker_tasks_total', { type, outcome: 'succeeded' })).toBe(1);
    expect(total(wk, 'statewright_worker_handler_duration_seconds_count', { type })).toBe(1);
    expect(total(wk, 'statewright_worker_tasks_in_flight', { type })).toBe(0);
  }
  expect(wk.some((s) => s.name === 'statewright_worker_result_replays_total')).toBe(true);
  expect(total(wk, 'process_cpu_seconds_total')).toBeGreaterThan(0);
});

test('each process exports its spans over OTLP, and a start request is one trace across the three services', async () => {
  expect(await start('traced-once', 'traced-1')).toBe(202);
  const spans = (): CollectedSpan[] =>
    collector.spans.filter((span) => span.attributes['statewright.correlation_id'] === 'traced-1');
  const byId = (spanId: string) => spans().find((span) => span.spanId === spanId);
  // Each process exports its spans in its own batches: wait until the whole chain has arrived.
  const chain = await eventually(
    'the validate-order result to be decided and its chain of spans exported',
    () => {
      const result = spans().find((span) => {
        const parent = span.name === 'command.decide' ? byId(span.parentSpanId) : undefined;
        return parent?.attributes['statewright.task.type'] === 'validate-order';
      });
      const task = result && byId(result.parentSpanId);
      const decideStart = task && byId(task.parentSpanId);
      const publish = decideStart && byId(decideStart.parentSpanId);
      return publish && { result: result!, task: task!, decideStart: decideStart!, publish };
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  const { result, task, decideStart, publish } = chain;
  expect([publish, decideStart, task, result].map((span) => [span.service, span.name])).toEqual([
    ['statewright-gateway', 'command.publish'],
    ['statewright-orchestrator', 'command.decide'],
    ['statewright-worker', 'task.run'],
    ['statewright-orchestrator', 'command.decide'],
  ]);
  expect(publish.parentSpanId).toBe('');
  for (const span of [decideStart, task, result]) expect(span.traceId).toBe(publish.traceId);
});
