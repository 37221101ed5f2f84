// End-to-end bench: bench-flow workflows from `start` produced to `completed` committed, through one orchestrator
// and the bench-flow worker processes, in a closed loop that keeps a fixed number of workflows in flight.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { EnvelopeCodec } from '../services/platform/codec/envelope-codec';
import { toCommandEnvelope } from '../services/platform/codec/command-envelope';
import type { TransitionEnvelope } from '../services/platform/codec/transition-envelope';
import { topicNames, type TopicNames } from '../services/platform/kafka/topic-names';
import { provisionTopics } from '../services/platform/kafka/topic-provisioner';
import {
  benchKafka,
  cpuBetween,
  percentile,
  positiveCount,
  resultsDir,
  sampleCpu,
  removeDeployment,
  Services,
  stackDir,
  type Endpoints,
} from './bench-rig';
import { cpuPerWorkflow, readCpu, stackProcesses, type CpuPerWorkflow } from './process-cpu';
import { startOf } from './bench-traffic';

export interface E2eSettings {
  readonly workflows: number;
  readonly warmup: number;
  readonly concurrency: readonly number[];
  readonly workerProcesses: readonly number[];
  readonly workerConcurrency: number;
  readonly partitions: number;
  readonly snapshotIntervalMs: number;
  /** A level still running after this long is stopped and reported unfinished. */
  readonly levelTimeoutS: number;
  /**
   * When set, every spawned process writes a V8 CPU profile under it, named after the process and the deployment's
   * number of worker processes: `w1/orchestrator.cpuprofile`, `w1/worker-0.cpuprofile`.
   */
  readonly profileDir: string | undefined;
}

export interface E2eLevel {
  readonly concurrency: number;
  readonly worker_processes: number;
  readonly workflows: number;
  readonly workflows_per_s: number;
  readonly p50_ms: number;
  readonly p90_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** Median of each leg, from the transitions' decision times (`at`): where a workflow's time goes. */
  readonly legs_p50_ms: Readonly<Record<Leg, number>>;
  /** Percent of one core used by the machine and by each process of the bench (the driver is this process). */
  readonly cpu_pct: Record<string, number> | undefined;
  /**
   * CPU milliseconds per workflow by process, the stack's (kafka, apicurio, redis) included, over every workflow
   * the level completed (its warm-up too).
   */
  readonly cpu_per_workflow: CpuPerWorkflow;
}

/** A level that did not finish (a stall, a dead process, its time bound) and why. */
export interface UnfinishedLevel {
  readonly concurrency: number;
  readonly worker_processes: number;
  readonly unfinished: string;
}

interface Deployment {
  readonly driver: Driver;
  /** The processes whose CPU use is reported, by pid. */
  readonly processes: Map<number, string>;
}

/**
 * start: produced → decided into the first transition; task1 and task2: a transition decided → the next one
 * decided (commit, worker fetch and run, result produced, orchestrator fetch); observed: the last transition
 * decided → seen committed by a read_committed consumer.
 */
const LEGS = ['start', 'task1', 'task2', 'observed'] as const;
type Leg = (typeof LEGS)[number];

interface Timing {
  readonly latency: number;
  readonly legs: readonly number[];
}

function counts(env: NodeJS.ProcessEnv, name: string, fallback: string): number[] {
  return (env[name] ?? fallback).split(',').map((item) => positiveCount({ [name]: item.trim() }, name, 1));
}

export function e2eSettingsFromEnv(env: NodeJS.ProcessEnv): E2eSettings {
  return {
    workflows: positiveCount(env, 'BENCH_E2E_WORKFLOWS', 3000),
    warmup: positiveCount(env, 'BENCH_E2E_WARMUP', 200),
    concurrency: counts(env, 'BENCH_E2E_CONCURRENCY', '50,200'),
    workerProcesses: counts(env, 'BENCH_E2E_WORKER_PROCESSES', '1,2'),
    workerConcurrency: positiveCount(env, 'BENCH_E2E_WORKER_CONCURRENCY', 256),
    partitions: positiveCount(env, 'BENCH_E2E_PARTITIONS', 2),
    snapshotIntervalMs: positiveCount(env, 'BENCH_E2E_SNAPSHOT_INTERVAL_MS', 500),
    levelTimeoutS: positiveCount(env, 'BENCH_E2E_LEVEL_TIMEOUT_S', 300),
    profileDir:
      env.BENCH_E2E_PROFILE === '1'
        ? path.join(resultsDir, 'logs', `bench-e2e-profiles-${Date.now()}`)
        : undefined,
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
/** No completion for this long means the pipeline is stuck (a process died or a record was lost). */
const STALL_MS = 90_000;
/** The bench's own process, which starts the workflows and watches them finish: the load, not the service. */
const DRIVER = 'driver';

/**
 * Every level with each worker-process count, each count on its own fresh deployment. A level that fails is
 * reported unfinished with the reason, and the rest of its deployment's levels with it (the deployment may be
 * broken); the next deployment still runs.
 */
export async function e2eBench(
  endpoints: Endpoints,
  settings: E2eSettings,
): Promise<(E2eLevel | UnfinishedLevel)[]> {
  const levels: (E2eLevel | UnfinishedLevel)[] = [];
  for (const workers of settings.workerProcesses) {
    const pending = [...settings.concurrency];
    try {
      await withDeployment(endpoints, settings, workers, async (deployment) => {
        while (pending.length > 0) {
          const level = await measureLevel(deployment, settings, pending[0]!, workers);
          pending.shift();
          logLevel(level);
          levels.push(level);
        }
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      for (const concurrency of pending) {
        log(`e2e ${workers} worker process(es), ${concurrency} in flight: unfinished: ${reason}`);
        levels.push({ concurrency, worker_processes: workers, unfinished: reason });
      }
    }
  }
  return levels;
}

function logLevel(level: E2eLevel): void {
  const cpu = level.cpu_per_workflow;
  log(
    `e2e ${level.worker_processes} worker process(es), ${level.concurrency} in flight: ` +
      `${level.workflows_per_s} workflows/s, p50 ${level.p50_ms} ms, p90 ${level.p90_ms} ms, ` +
      `p99 ${level.p99_ms} ms, max ${level.max_ms} ms (${level.workflows} workflows); ` +
      `legs p50 ${JSON.stringify(level.legs_p50_ms)}; cpu % ${JSON.stringify(level.cpu_pct)}; ` +
      `cpu ms per workflow ${cpu.total_ms}, without the driver ${cpu.service_ms} ${JSON.stringify(cpu.per_process_ms)}`,
  );
}

async function measureLevel(
  { driver, processes }: Deployment,
  settings: E2eSettings,
  concurrency: number,
  workers: number,
): Promise<E2eLevel> {
  const run = `c${concurrency}-w${workers}-${Date.now()}`;
  const pids = [...processes.keys()];
  const everyProcess = new Map([...stackProcesses(stackDir), ...processes]);
  const before = sampleCpu(pids);
  const cpuBefore = readCpu(everyProcess);
  const { timings, seconds } = await closedLoop(driver, run, {
    warmup: settings.warmup,
    measured: settings.workflows,
    concurrency,
    timeoutMs: settings.levelTimeoutS * 1000,
  });
  const cpuAfter = readCpu(everyProcess);
  const cpu = cpuBetween(before, sampleCpu(pids), processes);
  const sorted = timings.map((timing) => timing.latency).sort((a, b) => a - b);
  const at = (p: number) => round(percentile(sorted, p));
  return {
    concurrency,
    worker_processes: workers,
    workflows: sorted.length,
    workflows_per_s: round(sorted.length / seconds),
    p50_ms: at(50),
    p90_ms: at(90),
    p99_ms: at(99),
    max_ms: round(sorted[sorted.length - 1] ?? Number.NaN),
    legs_p50_ms: legMedians(timings),
    cpu_pct: cpu,
    cpu_per_workflow: cpuPerWorkflow(cpuBefore, cpuAfter, settings.warmup + settings.workflows, [DRIVER]),
  };
}

function legMedians(timings: readonly Timing[]): Record<Leg, number> {
  const entries = LEGS.map((leg, index) => {
    const sorted = timings.map((timing) => timing.legs[index] ?? Number.NaN).sort((a, b) => a - b);
    return [leg, round(percentile(sorted, 50))] as const;
  });
  return Object.fromEntries(entries) as Record<Leg, number>;
}

interface LoopResult {
  readonly timings: Timing[];
  /** From the first measured start to the last measured completion. */
  readonly seconds: number;
}

interface LoopShape {
  readonly warmup: number;
  readonly measured: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
}

/**
 * Starts `warmup + measured` workflows keeping `concurrency` in flight: each completion starts the next one.
 * Only workflows numbered from `warmup` on are measured; they begin once the pipeline is in steady state.
 * Rejects when the loop has not ended within `timeoutMs`.
 */
function closedLoop(
  driver: Driver,
  run: string,
  { warmup, measured, concurrency, timeoutMs }: LoopShape,
): Promise<LoopResult> {
  const total = warmup + measured;
  const timings: Timing[] = [];
  let issued = 0;
  let completed = 0;
  let firstStart = Number.POSITIVE_INFINITY;
  let lastDone = 0;
  return new Promise<LoopResult>((resolve, reject) => {
    const bound = setTimeout(
      () => fail(new Error(`${completed} of ${total} workflows completed in the level's ${timeoutMs} ms`)),
      timeoutMs,
    );
    // Filled once driver.watch returns: it may call `fail` before that, with a failure already seen.
    const held: { watchdog?: { cancel: () => void }; failed?: boolean } = {};
    const fail = (error: Error): void => {
      held.failed = true;
      held.watchdog?.cancel();
      clearTimeout(bound);
      reject(error);
    };
    const watchdog = driver.watch(fail);
    held.watchdog = watchdog;
    if (held.failed === true) watchdog.cancel();
    const launch = (): void => {
      const index = issued++;
      driver.start(`${run}-${index}`, (timing, startedAt, doneAt) => {
        if (index >= warmup) {
          timings.push(timing);
          firstStart = Math.min(firstStart, startedAt);
          lastDone = Math.max(lastDone, doneAt);
        }
        completed += 1;
        if (issued < total) return launch();
        if (completed < total) return;
        watchdog.cancel();
        clearTimeout(bound);
        resolve({ timings, seconds: (lastDone - firstStart) / 1000 });
      });
    };
    for (let i = 0; i < Math.min(concurrency, total); i++) launch();
  });
}

type OnCompleted = (timing: Timing, startedAt: number, doneAt: number) => void;

interface Started {
  /** performance.now() and Date.now() just before the send that carried the start. */
  startedAt: number;
  sentAt: number;
  /** Decision times of the workflow's transitions so far. */
  readonly decidedAt: number[];
  readonly done: OnCompleted;
}

/**
 * Produces starts and sees completions. Starts queued while a send is in flight go out together in the next send;
 * each start's clock begins just before the send that carries it.
 */
class Driver {
  private readonly waiting = new Map<string, Started>();
  private queue: string[] = [];
  private sending = false;
  private lastProgress = performance.now();
  private failure: ((error: Error) => void) | undefined;
  private failed: Error | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly codec: EnvelopeCodec,
    private readonly topics: TopicNames,
  ) {}

  start(id: string, done: OnCompleted): void {
    this.waiting.set(id, { startedAt: Number.NaN, sentAt: Number.NaN, decidedAt: [], done });
    this.queue.push(id);
    if (!this.sending) void this.drain();
  }

  /** Rejects through `reject` on a failure or a stall, until cancelled. */
  watch(reject: (error: Error) => void): { cancel: () => void } {
    this.lastProgress = performance.now();
    this.failure = reject;
    if (this.failed !== undefined) reject(this.failed);
    const timer = setInterval(() => {
      const idle = performance.now() - this.lastProgress;
      if (idle > STALL_MS) this.fail(new Error(`no workflow completed for ${Math.round(idle)} ms`));
    }, 1_000);
    return { cancel: () => clearInterval(timer) };
  }

  fail(error: Error): void {
    this.failed ??= error;
    this.failure?.(error);
  }

  /** Called with each committed transition of a workflow this driver started. */
  completed(envelope: TransitionEnvelope, doneAt: number, seenAt: number): void {
    const entry = this.waiting.get(envelope.correlationId);
    if (entry === undefined || envelope.kind !== 'transition') return;
    entry.decidedAt.push(envelope.at);
    if (envelope.status === 'running') return;
    this.waiting.delete(envelope.correlationId);
    this.lastProgress = doneAt;
    if (envelope.status !== 'completed') {
      this.fail(new Error(`workflow ${envelope.correlationId} ended ${String(envelope.status)}`));
      return;
    }
    const marks = [entry.sentAt, ...entry.decidedAt, seenAt];
    const legs = marks.slice(1).map((mark, i) => mark - marks[i]!);
    entry.done({ latency: doneAt - entry.startedAt, legs }, entry.startedAt, doneAt);
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const ids = this.queue;
        this.queue = [];
        const now = Date.now();
        const messages = ids.map((id) => ({
          key: id,
          value: this.codec.encode('command', toCommandEnvelope(startOf(id, now))),
        }));
        const startedAt = performance.now();
        for (const id of ids) Object.assign(this.waiting.get(id)!, { startedAt, sentAt: Date.now() });
        await this.producer.send({ topic: this.topics.commands, messages });
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.sending = false;
    }
  }
}

/** A read_committed consumer of the transitions topic handing every record of a started workflow to the driver. */
async function followTransitions(
  kafka: Kafka,
  driver: Driver,
  codec: EnvelopeCodec,
  topics: TopicNames,
  groupId: string,
) {
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 50, minBytes: 1 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.transitions, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch }) => {
      const doneAt = performance.now();
      const seenAt = Date.now();
      for (const message of batch.messages) {
        const envelope = (await codec.decode('transition', message.value)) as TransitionEnvelope;
        driver.completed(envelope, doneAt, seenAt);
      }
    },
  });
  return consumer;
}

/** A fresh prefix with its topics, one orchestrator and `workers` worker processes; all removed afterwards. */
async function withDeployment(
  endpoints: Endpoints,
  settings: E2eSettings,
  workers: number,
  body: (deployment: Deployment) => Promise<void>,
): Promise<void> {
  const prefix = `bench-e2e-${Date.now()}`;
  const kafka = benchKafka(endpoints.kafkaBrokers);
  const topics = topicNames(prefix);
  const admin = kafka.admin();
  await admin.connect();
  const logDir = path.join(resultsDir, 'logs', prefix);
  const services = new Services(logDir);
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const lifecycle = { stopping: false };
  let follower: Consumer | undefined;
  try {
    const layout = { partitions: settings.partitions, replicationFactor: 1, transitionsRetentionMs: -1 };
    await provisionTopics(admin, topics, layout);
    const codec = await EnvelopeCodec.connect({ registryUrl: endpoints.schemaRegistryUrl, topics });
    const driver = new Driver(producer, codec, topics);
    const env = processEnv(endpoints, settings, prefix);
    const profileDir = settings.profileDir && path.join(settings.profileDir, `w${workers}`);
    const processes = startProcesses(services, driver, env, workers, profileDir, () => lifecycle.stopping);
    await producer.connect();
    follower = await followTransitions(kafka, driver, codec, topics, `${prefix}.follower`);
    await body({ driver, processes });
  } finally {
    lifecycle.stopping = true;
    await follower?.disconnect();
    await producer.disconnect();
    await services.stopAll();
    await removeDeployment(endpoints, admin, prefix, log);
  }
}

/** Spawns the orchestrator and the workers; a process that exits before `stopping` fails the run. */
function startProcesses(
  services: Services,
  driver: Driver,
  env: ReturnType<typeof processEnv>,
  workers: number,
  profileDir: string | undefined,
  stopping: () => boolean,
): Map<number, string> {
  const processes = new Map<number, string>([[process.pid, DRIVER]]);
  const start = (name: string, script: string, childEnv: NodeJS.ProcessEnv): void => {
    const profiler =
      profileDir === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`];
    const child = services.start(name, script, childEnv, profiler);
    child.once('exit', (code, signal) => {
      if (!stopping()) driver.fail(new Error(`${name} exited (${code ?? signal}); see ${services.logDir}`));
    });
    if (child.pid !== undefined) processes.set(child.pid, name);
  };
  start('orchestrator', 'services/orchestrator/main.js', env.orchestrator);
  for (let i = 0; i < workers; i++) start(`worker-${i}`, 'services/worker/main.js', env.worker(i));
  return processes;
}

function processEnv(endpoints: Endpoints, settings: E2eSettings, prefix: string) {
  const common = {
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    REDIS_URL: endpoints.redisUrl,
    STATEWRIGHT_PREFIX: prefix,
    STATEWRIGHT_REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  };
  return {
    orchestrator: {
      ...common,
      STATEWRIGHT_GROUP: `${prefix}.orchestrator`,
      STATEWRIGHT_PARTITIONS: String(settings.partitions),
      STATEWRIGHT_SNAPSHOT_INTERVAL_MS: String(settings.snapshotIntervalMs),
      METRICS_PORT: '0',
    },
    worker: (index: number) => ({
      ...common,
      WORKER_GROUP: `${prefix}.workers`,
      WORKER_NAME: `bench-worker-${index}`,
      WORKER_CONCURRENCY: String(settings.workerConcurrency),
      WORKER_METRICS_PORT: '0',
    }),
  };
}
