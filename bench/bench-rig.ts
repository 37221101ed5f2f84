// What the benchmarks share: the endpoints, a Kafka client, topics under a fresh prefix, service
// processes started from dist/ and always stopped, a read_committed counter over an output topic, clean-up of
// groups and Redis keys under a prefix, and CPU use read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { processCpuSeconds, TICKS_PER_SECOND } from './process-cpu';
// The raw loop runs on the same kafkajs as the services, idle-timer fix included.
import '../services/platform/kafka/request-queue-idle';

export const distRoot = path.resolve(__dirname, '..');
export const resultsDir = path.resolve(distRoot, '..', 'bench', 'results');
/** Where deploy/local/stack.sh keeps the stack's data and pid files. */
export const stackDir = path.resolve(distRoot, '..', '.stack');

export interface Endpoints {
  readonly kafkaBrokers: string;
  readonly schemaRegistryUrl: string;
  readonly redisUrl: string;
}

export function endpointsFromEnv(): Endpoints {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = process.env;
  if (!KAFKA_BROKERS || !SCHEMA_REGISTRY_URL || !REDIS_URL) {
    throw new Error(
      'set KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL (make bench does: it runs the local stack)',
    );
  }
  return { kafkaBrokers: KAFKA_BROKERS, schemaRegistryUrl: SCHEMA_REGISTRY_URL, redisUrl: REDIS_URL };
}

export const benchKafka = (brokers: string): Kafka =>
  new Kafka({
    brokers: [brokers],
    clientId: `bench-${randomUUID().slice(0, 8)}`,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 50, retries: 10 },
  });

export class Services {
  private readonly children = new Set<ChildProcess>();

  constructor(readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  /**
   * Starts `dist/<script>` (with Node flags `nodeArgs`); the runnables serve the examples unless the environment
   * names other modules.
   */
  start(
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    nodeArgs: readonly string[] = [],
  ): ChildProcess {
    const examples = path.join(distRoot, 'examples', 'catalogue.js');
    const child = spawn(process.execPath, [...nodeArgs, path.join(distRoot, script)], {
      env: { STATEWRIGHT_WORKFLOWS: examples, STATEWRIGHT_HANDLERS: examples, ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(path.join(this.logDir, `${name}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child)));
  }
}

export interface CountResult {
  readonly firstAt: number;
  readonly lastAt: number;
  readonly count: number;
}

/** A positive integer from the environment, or the fallback when unset; anything else stops the bench. */
export function positiveCount(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/**
 * Counts committed records on `topic` that `accept` takes, until `expected` of them have been seen,
 * with the arrival time of the first and the last. Rejects after `timeoutMs`.
 */
export async function countUntil(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs: number,
  accept: (message: KafkaMessage) => Promise<boolean> | boolean = () => true,
): Promise<{ result: Promise<CountResult>; stop: () => Promise<void> }> {
  const consumer = kafka.consumer({
    groupId: `${topic}.counter-${randomUUID().slice(0, 8)}`,
    maxWaitTimeInMs: 10,
    minBytes: 1,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let firstAt = 0;
  let count = 0;
  const result = new Promise<CountResult>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`saw ${count} of ${expected} records on ${topic} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          const at = Date.now();
          for (const message of batch.messages) {
            if (!(await accept(message))) continue;
            if (count === 0) firstAt = at;
            count += 1;
          }
          if (count >= expected) {
            clearTimeout(timer);
            resolve({ firstAt, lastAt: at, count });
          }
        },
      })
      .catch(reject);
  });
  return { result, stop: () => consumer.disconnect() };
}

/** The median of the known values (the mean of the middle two for an even count); null when none is known. */
export function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const middle = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[middle]! : (known[middle - 1]! + known[middle]!) / 2;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Deletes the consumer groups whose id starts with `prefix.` (they must be empty: stop their members first). */
export async function deleteGroups(admin: Admin, prefix: string): Promise<number> {
  const { groups } = await admin.listGroups();
  const ids = groups.map((group) => group.groupId).filter((id) => id.startsWith(`${prefix}.`));
  if (ids.length > 0) await admin.deleteGroups(ids);
  return ids.length;
}

/** Deletes every Redis key under `prefix:` (snapshots, task results); answers how many went. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Busy CPU seconds of the whole machine and CPU seconds of each pid, at `at` (performance.now()). */
export interface CpuSample {
  readonly at: number;
  readonly machineBusy: number;
  readonly byPid: ReadonlyMap<number, number>;
}

/** Undefined where /proc is absent (not Linux). */
export function sampleCpu(pids: readonly number[]): CpuSample | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const byPid = new Map<number, number>();
  for (const pid of pids) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) byPid.set(pid, seconds);
  }
  return {
    at: performance.now(),
    machineBusy: (total - idle) / TICKS_PER_SECOND,
    byPid,
  };
}

/** Percent of one core each pid used between two samples, how busy the machine was (100 per core) and the rest. */
export function cpuBetween(
  before: CpuSample | undefined,
  after: CpuSample | undefined,
  names: ReadonlyMap<number, string>,
): Record<string, number> | undefined {
  if (before === undefined || after === undefined) return undefined;
  const seconds = (after.at - before.at) / 1000;
  const pct = (value: number) => Math.round((100 * value) / seconds);
  const usage: Record<string, number> = { machine: pct(after.machineBusy - before.machineBusy) };
  for (const [pid, name] of names) {
    const start = before.byPid.get(pid);
    const end = after.byPid.get(pid);
    if (start !== undefined && end !== undefined) usage[name] = pct(end - start);
  }
  const listed = Object.values(usage).reduce((sum, value) => sum + value, 0) - usage.machine!;
  // Everything else on the machine: the broker, registry and Redis, and anything not started by the bench.
  usage.rest = usage.machine! - listed;
  return usage;
}

/**
 * Deletes a deployment's topics and consumer groups (every one named `<prefix>.…`) and its Redis keys
 * (`<prefix>:…`), then disconnects `admin`; what could not go is logged, not thrown.
 */
export async function removeDeployment(
  endpoints: Endpoints,
  admin: Admin,
  prefix: string,
  log: (line: string) => void,
) {
  const problems: string[] = [];
  const attempt = (what: string, work: () => Promise<unknown>) =>
    work().catch((error: unknown) => void problems.push(`${what}: ${String(error)}`));
  await attempt('topics', async () => {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${prefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  });
  await attempt('groups', () => deleteGroups(admin, prefix));
  await attempt('redis', () => deleteRedisKeys(endpoints.redisUrl, prefix));
  await admin.disconnect();
  for (const problem of problems) log(`cleanup of ${prefix} incomplete: ${problem}`);
}
