// What the benchmarks share: the endpoints, a Kafka client, topics under a fresh prefix, service
// processes started from dist/ and always stopped, and a read_committed counter over an output topic.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

export const distRoot = path.resolve(__dirname, '..');
export const resultsDir = path.resolve(distRoot, '..', 'bench', 'results');

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

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  start(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(process.execPath, [path.join(distRoot, script)], {
      env: { ...process.env, ...env },
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
    groupId: `bench-counter-${randomUUID()}`,
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

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
