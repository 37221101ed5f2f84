// The three services as processes on the examples' module, in one test namespace: the environment they share,
// starting them (the gateway once ready), an example order, waiting for an instance to finish, and removing
// the namespace's topics and Redis keys afterwards.
import path from 'node:path';
import { eventually } from './eventually';
import { EXAMPLE_MODULES } from './examples';
import { repoRoot } from './infrastructure';
import { endpoints, type TestNamespace } from './namespace';
import { ProcessFleet } from './process-fleet';
import { deleteRedisKeys, deleteTopicsWhere, withAdmin } from './run-cleanup';

/** What every service of the namespace reads; `overrides` win. */
export function fleetEnvironment(
  ns: TestNamespace,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
  return {
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
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    ...overrides,
  };
}

/** Orchestrator first (it provisions the topics), then workers and gateway; resolves once the gateway is ready. */
export async function startExampleFleet(
  project: string,
  ns: TestNamespace,
  gateway: string,
  env: Record<string, string>,
): Promise<ProcessFleet> {
  const fleet = new ProcessFleet(path.join(repoRoot, 'test-results', project, ns.prefix), env);
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js');
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'services/worker/main.js');
  fleet.start('gateway', 'services/gateway/main.js');
  await gatewayReady(gateway);
  return fleet;
}

export const gatewayReady = (gateway: string) =>
  eventually(
    'the gateway to be ready',
    () =>
      fetch(`${gateway}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000, intervalMs: 200 },
  );

/** An order-saga input; the address and SKU choose its path (NEVER-SHIPS times out, OUT-OF-STOCK compensates). */
export const exampleOrder = (
  id: string,
  extra: { address?: string; sku?: string; amount?: number } = {},
) => ({
  orderId: id,
  customer: { id: `customer-${id}`, email: `${id}@example.com` },
  items: [{ sku: extra.sku ?? 'SKU-1', quantity: 1 }],
  amount: extra.amount ?? 25,
  payment: { cardNumber: '4111111111111111' },
  address: extra.address ?? 'Main Street 1',
});

/** The instance once it is no longer running, read through the gateway (with `headers`, e.g. a token). */
export const finishedInstance = <T extends { status: string }>(
  gateway: string,
  id: string,
  headers: Record<string, string> = {},
) =>
  eventually(
    `${id} to finish`,
    async () => {
      const response = await fetch(`${gateway}/instances/${encodeURIComponent(id)}`, { headers });
      const found = response.status === 200 ? ((await response.json()) as T) : undefined;
      return found !== undefined && found.status !== 'running' ? found : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );

/** Deletes the topics of these prefixes and the Redis keys of these Redis prefixes (never FLUSHALL). */
export async function removeNamespaces(namespaces: readonly Pick<TestNamespace, 'prefix' | 'redisPrefix'>[]) {
  const ends = endpoints();
  await withAdmin(ends, (admin) =>
    deleteTopicsWhere(admin, (topic) => namespaces.some((ns) => topic.startsWith(`${ns.prefix}.`))),
  );
  for (const ns of namespaces) await deleteRedisKeys(ends.redisUrl, `${ns.redisPrefix}:*`);
}
