// Starting while a dependency is down: the orchestrator, the workers and the gateway started while the schema
// registry (then the broker) cannot be reached stay up, answer not-ready on their health endpoint naming what
// they wait for, and start working once it answers: an order then completes.
import path from 'node:path';
import {
  exampleOrder,
  finishedInstance,
  fleetEnvironment,
  removeNamespaces,
} from '../../harness/example-fleet';
import { eventually } from '../../harness/eventually';
import { freePort } from '../../harness/free-port';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints, testNamespace } from '../../harness/namespace';
import { ProcessFleet } from '../../harness/process-fleet';
import { TcpProxy } from '../../harness/tcp-proxy';

jest.setTimeout(180_000);

const { kafkaBrokers, schemaRegistryUrl } = endpoints();
const registry = new URL(schemaRegistryUrl);
const [brokerHost, brokerPort] = kafkaBrokers.split(',')[0]!.split(':') as [string, string];

interface Run {
  readonly fleet: ProcessFleet;
  readonly prefix: string;
  readonly redisPrefix: string;
  readonly gateway: string;
  readonly orchestratorHealth: string;
  readonly workerHealth: string;
}

const runs: Run[] = [];
const proxies: TcpProxy[] = [];

async function startFleet(label: string, overrides: Record<string, string>): Promise<Run> {
  const ns = testNamespace(label);
  const [gatewayPort, orchestratorPort, workerPort] = [await freePort(), await freePort(), await freePort()];
  const env = fleetEnvironment(ns, {
    GATEWAY_PORT: String(gatewayPort),
    METRICS_PORT: String(orchestratorPort),
    WORKER_METRICS_PORT: String(workerPort),
    ...overrides,
  });
  const fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'integration', ns.prefix), env);
  const run: Run = {
    fleet,
    prefix: ns.prefix,
    redisPrefix: ns.redisPrefix,
    gateway: `http://127.0.0.1:${gatewayPort}`,
    orchestratorHealth: `http://127.0.0.1:${orchestratorPort}`,
    workerHealth: `http://127.0.0.1:${workerPort}`,
  };
  runs.push(run);
  fleet.start('orchestrator', 'services/orchestrator/main.js');
  fleet.start('workers', 'services/worker/main.js');
  fleet.start('gateway', 'services/gateway/main.js');
  return run;
}

interface ReadyBody {
  readonly ready: boolean;
  readonly waitingFor?: string[];
}

/** The body of GET <base>/readyz once the server answers it with `status` and a body `fits`. */
const readyz = (
  what: string,
  base: string,
  status: number,
  fits: (body: ReadyBody) => boolean = () => true,
) =>
  eventually(
    `${what} to answer /readyz with ${status}`,
    async () => {
      const response = await fetch(`${base}/readyz`).catch(() => undefined);
      if (response?.status !== status) return undefined;
      const body = (await response.json()) as ReadyBody;
      return fits(body) ? body : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 200 },
  );

async function expectWaiting(run: Run, dependency: RegExp): Promise<void> {
  for (const [what, base] of [
    ['the orchestrator', run.orchestratorHealth],
    ['the workers', run.workerHealth],
    ['the gateway', run.gateway],
  ] as const) {
    // Not ready from the start; naming the dependency once a first attempt to reach it has failed.
    const body = await readyz(what, base, 503, (answer) =>
      dependency.test(answer.waitingFor?.join(' ') ?? ''),
    );
    expect(body.ready).toBe(false);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  }
}

async function expectWorking(run: Run): Promise<void> {
  await readyz('the orchestrator', run.orchestratorHealth, 200);
  await readyz('the workers', run.workerHealth, 200);
  await readyz('the gateway', run.gateway, 200);
  const id = `outage-${run.prefix}`;
  const started = await fetch(`${run.gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': id },
    body: JSON.stringify({ correlationId: id, input: exampleOrder(id) }),
  });
  expect(started.status).toBeLessThan(300);
  expect((await finishedInstance(run.gateway, id)).status).toBe('completed');
}

afterAll(async () => {
  await Promise.allSettled(runs.map((run) => run.fleet.stopAll()));
  await Promise.allSettled(proxies.map((proxy) => proxy.close()));
  await removeNamespaces(runs.map((run) => ({ prefix: run.prefix, redisPrefix: run.redisPrefix })));
});

test('started while the schema registry is down, every service waits, says so, and works once it is back', async () => {
  const port = await freePort();
  const run = await startFleet('outage-registry', {
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}${registry.pathname}`,
  });
  await expectWaiting(run, /schema registry/);
  proxies.push(await TcpProxy.start(registry.hostname, Number(registry.port), port));
  await expectWorking(run);
});

test('started while the broker is down, every service waits, says so, and works once it is back', async () => {
  const port = await freePort();
  const run = await startFleet('outage-broker', { KAFKA_BROKERS: `127.0.0.1:${port}` });
  await expectWaiting(run, /kafka/);
  proxies.push(await TcpProxy.start(brokerHost, Number(brokerPort), port));
  await expectWorking(run);
});
