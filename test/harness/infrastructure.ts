// Finds the infrastructure integration tests run against: environment variables first, then
// testcontainers when a Docker engine answers, then the local stack (started when not running).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
// The global setup's kafkajs client idles as the services' do (no TimeoutNegativeWarning on Node 24).
import '../../services/platform/kafka/request-queue-idle';
import { startContainers } from './containers';
import { eventually } from './eventually';

const run = promisify(execFile);
export const repoRoot = path.resolve(__dirname, '..', '..');
const stackScript = path.join(repoRoot, 'deploy', 'local', 'stack.sh');

export interface Infrastructure {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  redisUrl: string;
  source: 'environment' | 'testcontainers' | 'local-stack';
  /** Stops what this resolution started; a no-op when it found things already running. */
  stop(): Promise<void>;
}

export async function resolveInfrastructure(): Promise<Infrastructure> {
  const fromEnv = fromEnvironment();
  if (fromEnv) return fromEnv;
  if (await dockerAnswers()) {
    return startContainers();
  }
  return fromLocalStack();
}

function fromEnvironment(): Infrastructure | undefined {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = process.env;
  if (!KAFKA_BROKERS || !SCHEMA_REGISTRY_URL || !REDIS_URL) return undefined;
  return {
    kafkaBrokers: KAFKA_BROKERS,
    schemaRegistryUrl: SCHEMA_REGISTRY_URL,
    redisUrl: REDIS_URL,
    source: 'environment',
    stop: async () => undefined,
  };
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function stack(command: 'up' | 'down' | 'status'): Promise<{ ok: boolean; stdout: string }> {
  try {
    const { stdout } = await run(stackScript, [command], { maxBuffer: 1 << 20 });
    return { ok: true, stdout };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    if (command === 'status') return { ok: false, stdout: failure.stdout ?? '' };
    throw new Error(
      `deploy/local/stack.sh ${command} failed (exit ${failure.code}):\n${failure.stderr ?? ''}`,
      { cause: error },
    );
  }
}

function parseEnvLines(stdout: string): Record<string, string> {
  const entries = stdout
    .split('\n')
    .map((line) => line.match(/^([A-Z_]+)=(.*)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => [match[1]!, match[2]!] as const);
  return Object.fromEntries(entries);
}

/**
 * Waits until the broker coordinates consumer groups. A broker that has just started answers metadata before it
 * has loaded its group coordinator's partitions; with a large data directory that takes minutes, and a test's
 * consumers that find no coordinator crash and restart until they give up.
 */
async function groupCoordinatorsReady(brokers: string): Promise<void> {
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Groups whose ids hash to different partitions of the coordinator's topic.
    const groups = Array.from({ length: COORDINATOR_PROBES }, () => `coordinator-probe-${randomUUID()}`);
    await eventually(
      'the broker to coordinate consumer groups',
      () =>
        admin.describeGroups(groups).then(
          () => true,
          () => false,
        ),
      { timeoutMs: COORDINATOR_TIMEOUT_MS, intervalMs: 500 },
    );
  } finally {
    await admin.disconnect();
  }
}

const COORDINATOR_PROBES = 8;
const COORDINATOR_TIMEOUT_MS = 300_000;

async function fromLocalStack(): Promise<Infrastructure> {
  const running = await stack('status');
  const started = !running.ok;
  const { stdout } = started ? await stack('up') : running;
  const env = parseEnvLines(stdout);
  await groupCoordinatorsReady(env.KAFKA_BROKERS!);
  return {
    kafkaBrokers: env.KAFKA_BROKERS!,
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL!,
    redisUrl: env.REDIS_URL!,
    source: 'local-stack',
    stop: async () => {
      if (started) await stack('down');
    },
  };
}
