// deploy/docker-compose.yml keeps every service's state on a named volume, so recreating the containers loses
// nothing, and gives every service a healthcheck that asks the service itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../../services/orchestrator/config/orchestrator-config';
import { loadGatewayConfig } from '../../../services/gateway/config/gateway-config';
import { loadWorkerConfig } from '../../../services/worker/worker-config';

type Scalar = string | number | boolean;

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: string | readonly string[];
  readonly environment?: Readonly<Record<string, Scalar>> | readonly string[];
  readonly volumes?: readonly (string | { type?: string; source?: string; target: string })[];
  readonly healthcheck?: { readonly test?: string | readonly string[]; readonly disable?: boolean };
}

interface Compose {
  readonly services: Readonly<Record<string, Service>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

const composeFile = path.join(__dirname, '..', '..', '..', 'deploy', 'docker-compose.yml');
// `merge: true` resolves the `<<:` merge keys the statewright services share their settings with.
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as Compose;
const services = Object.entries(compose.services);

function environmentOf(service: Service): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((entry: string) => entry.split(/=(.*)/s).slice(0, 2))
    : Object.entries(service.environment ?? {});
  return Object.fromEntries(entries.map(([name, value]) => [name, String(value ?? '')]));
}

/** The value of `--name=value` (or `--name value`) in the service's command, if given. */
function flagOf(service: Service, name: string): string | undefined {
  const args = typeof service.command === 'string' ? service.command.split(/\s+/) : (service.command ?? []);
  const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index < 0) return undefined;
  const arg = args[index]!;
  return arg === name ? args[index + 1] : arg.slice(name.length + 1);
}

const imageOf = (service: Service) => service.image?.replace(/:[^/:]*$/, '');

type Storage =
  | { readonly kind: 'paths'; readonly paths: readonly string[] }
  | { readonly kind: 'stateless'; readonly why: string };

/**
 * Where each image keeps what it must not lose, read from the service's settings and falling back to the
 * image's default. A service of an image missing here fails the test until someone says where its state lives.
 */
const STORAGE: Readonly<Record<string, (service: Service) => Storage>> = {
  'apache/kafka': (service) => {
    const env = environmentOf(service);
    const logDirs = (env.KAFKA_LOG_DIRS ?? '/tmp/kraft-combined-logs').split(',');
    const metadata = env.KAFKA_METADATA_LOG_DIR === undefined ? [] : [env.KAFKA_METADATA_LOG_DIR];
    return { kind: 'paths', paths: [...logDirs, ...metadata] };
  },
  redis: (service) => ({ kind: 'paths', paths: [flagOf(service, '--dir') ?? '/data'] }),
  'prom/prometheus': (service) => ({
    kind: 'paths',
    paths: [flagOf(service, '--storage.tsdb.path') ?? '/prometheus/data'],
  }),
  'grafana/grafana': (service) => ({
    kind: 'paths',
    paths: [environmentOf(service).GF_PATHS_DATA ?? '/var/lib/grafana'],
  }),
  'confluentinc/cp-schema-registry': () => ({
    kind: 'stateless',
    why: 'its schemas are records of a Kafka topic',
  }),
};

/** The statewright services, built from this repository: their state is in Kafka and Redis. */
const storageOf = (service: Service): Storage | undefined =>
  service.build !== undefined
    ? { kind: 'stateless', why: 'statewright keeps its state in Kafka and Redis' }
    : STORAGE[imageOf(service) ?? '']?.(service);

const namedVolumes = new Set(Object.keys(compose.volumes ?? {}));

/** The named volume mounted at `dataPath` or at a folder above it, if any. */
function namedVolumeHolding(service: Service, dataPath: string): string | undefined {
  const mounts = (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return volume;
    const [source, target] = volume.split(':');
    return { type: source?.startsWith('.') || source?.startsWith('/') ? 'bind' : 'volume', source, target };
  });
  const holding = mounts.find(
    (mount) =>
      mount.target !== undefined &&
      (dataPath === mount.target || dataPath.startsWith(`${mount.target.replace(/\/$/, '')}/`)),
  );
  return holding?.type === 'volume' && holding.source !== undefined && namedVolumes.has(holding.source)
    ? holding.source
    : undefined;
}

const stateful = services.flatMap(([name, service]) => {
  const storage = storageOf(service);
  return storage?.kind === 'paths' ? storage.paths.map((dataPath) => [name, dataPath] as const) : [];
});

test('every service says where its state lives: an image of known storage, or built here', () => {
  const unknown = services.filter(([, service]) => storageOf(service) === undefined).map(([name]) => name);
  expect(unknown).toEqual([]);
});

test('Kafka, Redis, Prometheus and Grafana keep state', () => {
  expect(new Set(stateful.map(([name]) => name))).toEqual(
    new Set(['kafka', 'redis', 'prometheus', 'grafana']),
  );
});

test.each(stateful)('%s keeps %s on a named volume', (name, dataPath) => {
  expect(namedVolumeHolding(compose.services[name]!, dataPath)).toEqual(expect.any(String));
});

test('the schema registry keeps its schemas in a topic of the compose Kafka, whose log is on a volume', () => {
  const registry = environmentOf(compose.services['schema-registry']!);
  expect(registry.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toMatch(/^(PLAINTEXT:\/\/)?kafka:/);
  expect(stateful).toContainEqual(['kafka', expect.any(String)]);
});

test.each(services.map(([name]) => name))('%s has a healthcheck', (name) => {
  const check = compose.services[name]!.healthcheck;
  expect(check?.disable).not.toBe(true);
  const test = typeof check?.test === 'string' ? [check.test] : [...(check?.test ?? [])];
  expect(test.length).toBeGreaterThan(0);
  expect(test[0]).not.toBe('NONE');
});

/** The HTTP endpoint each statewright service serves, on the port its own configuration reads. */
const ENDPOINTS: Readonly<Record<string, (env: Record<string, string>) => string>> = {
  orchestrator: (env) => `http://127.0.0.1:${loadConfig(env).metricsPort}/metrics`,
  workers: (env) => `http://127.0.0.1:${loadWorkerConfig(env).metricsPort}/metrics`,
  gateway: (env) => `http://127.0.0.1:${loadGatewayConfig(env).http.port}/healthz`,
};

test.each(services.filter(([, service]) => service.build !== undefined).map(([name]) => name))(
  'the %s healthcheck asks its own HTTP endpoint',
  (name) => {
    const service = compose.services[name]!;
    const endpoint = ENDPOINTS[name];
    expect(endpoint).toBeDefined();
    expect([service.healthcheck?.test ?? []].flat().join(' ')).toContain(endpoint!(environmentOf(service)));
  },
);
