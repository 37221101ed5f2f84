// The compiled statewright command on the secure stack (TLS + SASL/SCRAM Kafka with ACLs): configured by the
// variables every service reads, as the gateway principal the ACLs give the CLI, `record` reads the transitions
// of an order that completed there and `keys status` counts its data key; --brokers and --prefix win over their
// variables; and without the TLS settings it fails with the unavailable exit code and names what to check.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCli, statewright } from '../integration/cli/cli-process';
import { finishedStatus, startOrder, startSecureFleet, type SecureFleet } from './secure-fleet';

const ORDER = 'cli-secure-order';
const KEK_ID = 'kek-cli';
let secure: SecureFleet;
let directory: string;

/** The gateway principal's settings (KAFKA_*, SCHEMA_REGISTRY_URL, REDIS_*) and the deployment's prefix. */
const secureEnv = (): Record<string, string> => ({
  ...secure.stack.settings('gateway'),
  STATEWRIGHT_PREFIX: secure.deployment.prefix,
});

interface Line {
  readonly kind: string;
  readonly correlationId: string;
  readonly to?: string;
  readonly status?: string;
}

beforeAll(async () => {
  await buildCli();
  directory = await mkdtemp(path.join(tmpdir(), 'statewright-cli-secure-'));
  secure = await startSecureFleet({ label: 'sec-cli', kekId: KEK_ID });
  expect((await startOrder(secure.gateway, ORDER)).status).toBeLessThan(300);
  expect(await finishedStatus(secure.gateway, ORDER)).toBe('completed');
}, 300_000);

afterAll(async () => {
  try {
    await secure?.stop();
  } finally {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  }
}, 120_000);

test('record, given the secure settings in its environment, writes the transitions of an order that completed over TLS + SASL', async () => {
  const file = path.join(directory, 'secure.jsonl');
  const recorded = await statewright(['record', '--out', file], secureEnv());
  expect({ code: recorded.code, stderr: recorded.stderr }).toMatchObject({ code: 0 });
  expect(recorded.stderr).toMatch(/recorded \d+ records/);
  const lines = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
  const transitions = lines.filter((line) => line.kind === 'transition' && line.correlationId === ORDER);
  expect(transitions.length).toBeGreaterThan(2);
  expect(transitions.at(-1)).toMatchObject({ to: 'completed', status: 'completed' });

  const replayed = await statewright(['replay', file]);
  expect(replayed.stdout).toMatch(new RegExp(`OK ${ORDER} .*state=completed status=completed`));
  expect(replayed.code).toBe(0);
});

test('keys status, given the secure settings in its environment, counts the order’s data key under the KEK', async () => {
  const status = await statewright(['keys', 'status'], secureEnv());
  expect({ code: status.code, stderr: status.stderr }).toMatchObject({ code: 0 });
  expect(JSON.parse(status.stdout)).toEqual({ byKek: { [KEK_ID]: 1 }, erased: 0, live: 1 });
});

test('--brokers and --prefix given on the command line win over KAFKA_BROKERS and STATEWRIGHT_PREFIX', async () => {
  const env = { ...secureEnv(), KAFKA_BROKERS: '127.0.0.1:9', STATEWRIGHT_PREFIX: 'no-such-deployment' };
  const status = await statewright(
    ['keys', 'status', '--brokers', secure.stack.kafkaBrokers, '--prefix', secure.deployment.prefix],
    env,
  );
  expect({ code: status.code, stderr: status.stderr }).toMatchObject({ code: 0 });
  expect(JSON.parse(status.stdout)).toMatchObject({ live: 1 });
});

test('without the TLS settings, record and keys status fail with the unavailable exit code and name what to check', async () => {
  const { KAFKA_TLS: _tls, KAFKA_TLS_CA_FILE: _ca, ...withoutTls } = secureEnv();
  const env = { ...withoutTls, KAFKA_TLS: 'false' };
  const [recorded, status] = await Promise.all([
    statewright(['record', '--out', path.join(directory, 'plaintext.jsonl')], env),
    statewright(['keys', 'status'], env),
  ]);
  for (const result of [recorded, status]) {
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `at ${secure.stack.kafkaBrokers} (no TLS, SASL scram-sha-512 as gateway)`,
    );
    expect(result.stderr).toMatch(/check KAFKA_BROKERS, KAFKA_TLS, KAFKA_TLS_CA_FILE/);
  }
}, 120_000);
