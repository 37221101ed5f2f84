// `make soak`: a steady moderate load for a long time with periodic kills, to see that nothing creeps. Two
// orchestrators and one worker process serve bench-flow workflows started at a fixed rate; every
// SOAK_KILL_EVERY_S one orchestrator (always the same one) is killed -9 and started again, while the other runs
// the whole soak. Every SOAK_SAMPLE_S it samples the survivor's RSS and, through the heap probe (a full GC first),
// its heap used and the committed size of each V8 space; the victim's RSS, the orchestrator group's lag on the
// commands topic, the dead letters and the workflows finished. At the end it writes bench/results/soak.json with
// the samples and the slopes over the survivor's life after the warm-up: heap used after a full GC (MB per hour,
// the figure a leak shows in), RSS (which also holds what V8 and the allocator keep, see the README) and lag.
// Sizes: SOAK_MINUTES (30), SOAK_RATE (starts per second, 20), SOAK_KILL_EVERY_S (300), SOAK_SAMPLE_S (10),
// SOAK_WARMUP_S (120). What the orchestrator holds by design per workflow finished is bounded so that its steady
// state comes within the warm-up: finished workflows leave the hot set after SOAK_HOT_RETENTION
// (STATEWRIGHT_HOT_RETENTION's form, `*=2m`), and the canary watch remembers the workflows every partition
// finished within SOAK_CANARY_WINDOW (STATEWRIGHT_CANARY_WINDOW, `2m`; 15 minutes by default). With either kept
// longer, the heap grows with the workflows finished until that time has passed, by design.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Partitioners, type Admin } from 'kafkajs';
import { EnvelopeCodec } from '../services/platform/codec/envelope-codec';
import { toCommandEnvelope } from '../services/platform/codec/command-envelope';
import type { TransitionEnvelope } from '../services/platform/codec/transition-envelope';
import { topicNames, type TopicNames } from '../services/platform/kafka/topic-names';
import { provisionTopics } from '../services/platform/kafka/topic-provisioner';
import {
  benchKafka,
  cpuBetween,
  distRoot,
  endpointsFromEnv,
  removeDeployment,
  resultsDir,
  sampleCpu,
  Services,
  type CpuSample,
} from './bench-rig';
import { startOf } from './bench-traffic';

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const settings = {
  minutes: setting('SOAK_MINUTES', 30),
  rate: setting('SOAK_RATE', 20),
  killEveryS: setting('SOAK_KILL_EVERY_S', 300),
  sampleS: setting('SOAK_SAMPLE_S', 10),
  warmupS: setting('SOAK_WARMUP_S', 120),
  hotRetention: process.env.SOAK_HOT_RETENTION ?? '*=2m',
  canaryWindow: process.env.SOAK_CANARY_WINDOW ?? '2m',
  /** Node flags every process of the run inherits (V8's heap sizes among them): they shape RSS, so they are recorded. */
  nodeOptions: process.env.NODE_OPTIONS ?? null,
  /** glibc's arena limit, which bounds how much freed native memory the processes keep. */
  mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
  partitions: 4,
};

interface Sample {
  readonly t_s: number;
  readonly survivor_rss_mb: number | null;
  readonly survivor_heap_mb: number | null;
  readonly survivor_heap_total_mb: number | null;
  /** Each V8 space's committed size, after the same GC: which part of the heap holds on to memory. */
  readonly survivor_heap_spaces_mb: Readonly<Record<string, number | null>> | null;
  readonly victim_rss_mb: number | null;
  readonly lag: number;
  readonly dead_letters: number;
  readonly started: number;
  readonly finished: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:'));
    return line === undefined ? null : round(Number(line.split(/\s+/)[1]) / 1024, 1);
  } catch {
    return null;
  }
}

/** What the heap probe writes: process.memoryUsage() and each V8 space's committed and used bytes. */
interface ProbeAnswer extends NodeJS.MemoryUsage {
  readonly spaces: Readonly<Record<string, { readonly size: number; readonly used: number }>>;
}

/** Asks the heap probe in the survivor for its memory use after a full GC; null when it does not answer. */
async function afterGc(child: ChildProcess, file: string): Promise<ProbeAnswer | null> {
  rmSync(file, { force: true });
  if (!child.kill('SIGUSR2')) return null;
  const until = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > until) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeAnswer;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? null : round(bytes / 2 ** 20, 1));

/** The committed MB of each V8 space that holds any. */
const committedSpaces = (usage: ProbeAnswer): Record<string, number | null> =>
  Object.fromEntries(
    Object.entries(usage.spaces)
      .filter(([, space]) => space.size > 0)
      .map(([name, space]) => [name, mb(space.size)]),
  );

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  return sxx === 0 ? null : sxy / sxx;
}

async function commandsLag(admin: Admin, group: string, topics: TopicNames): Promise<number> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topics.commands),
    admin.fetchOffsets({ groupId: group, topics: [topics.commands] }),
  ]);
  const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  return ends.reduce(
    (sum, end) => sum + Math.max(0, Number(end.high) - Math.max(0, done.get(end.partition) ?? 0)),
    0,
  );
}

async function main(): Promise<void> {
  const endpoints = endpointsFromEnv();
  const prefix = `soak-${Date.now()}`;
  const group = `${prefix}.orchestrator`;
  const topics = topicNames(prefix);
  const kafka = benchKafka(endpoints.kafkaBrokers);
  const admin = kafka.admin();
  await admin.connect();
  const logDir = path.join(resultsDir, 'logs', prefix);
  const services = new Services(logDir);
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const follower = kafka.consumer({
    groupId: `${prefix}.follower`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  const timers: NodeJS.Timeout[] = [];
  try {
    await provisionTopics(admin, topics, {
      partitions: settings.partitions,
      replicationFactor: 1,
      transitionsRetentionMs: -1,
    });
    const codec = await EnvelopeCodec.connect({ registryUrl: endpoints.schemaRegistryUrl, topics });
    const common = {
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      REDIS_URL: endpoints.redisUrl,
      STATEWRIGHT_PREFIX: prefix,
      STATEWRIGHT_REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    };
    const orchestratorEnv = {
      ...common,
      STATEWRIGHT_GROUP: group,
      STATEWRIGHT_PARTITIONS: String(settings.partitions),
      STATEWRIGHT_HOT_RETENTION: settings.hotRetention,
      STATEWRIGHT_CANARY_WINDOW: settings.canaryWindow,
      METRICS_PORT: '0',
    };
    const heapFile = path.join(logDir, 'orchestrator-survivor.heap.json');
    const survivor = services.start(
      'orchestrator-survivor',
      'services/orchestrator/main.js',
      { ...orchestratorEnv, BENCH_HEAP_FILE: heapFile },
      ['--expose-gc', '--require', path.join(distRoot, 'bench', 'heap-probe.js')],
    );
    let victim = services.start('orchestrator-victim-0', 'services/orchestrator/main.js', orchestratorEnv);
    services.start('worker', 'services/worker/main.js', {
      ...common,
      WORKER_GROUP: `${prefix}.workers`,
      WORKER_METRICS_PORT: '0',
    });

    let finished = 0;
    let deadLetters = 0;
    await follower.connect();
    await follower.subscribe({ topics: [topics.transitions, topics.dlq], fromBeginning: true });
    await follower.run({
      eachBatch: async ({ batch }) => {
        if (batch.topic === topics.dlq) {
          deadLetters += batch.messages.length;
          return;
        }
        for (const message of batch.messages) {
          const envelope = (await codec.decode('transition', message.value)) as TransitionEnvelope;
          if (envelope.kind === 'transition' && envelope.status !== 'running') finished += 1;
        }
      },
    });
    await producer.connect();

    const began = Date.now();
    const endsAt = began + settings.minutes * 60_000;
    let started = 0;
    let kills = 0;
    const samples: Sample[] = [];
    let steadyCpu: CpuSample | undefined;
    timers.push(
      setInterval(() => {
        const now = Date.now();
        const messages = Array.from({ length: settings.rate }, () => {
          const id = `${prefix}-${started++}`;
          return { key: id, value: codec.encode('command', toCommandEnvelope(startOf(id, now))) };
        });
        producer
          .send({ topic: topics.commands, messages })
          .catch((error: unknown) => log(`send failed: ${String(error)}`));
      }, 1_000),
    );
    timers.push(
      setInterval(() => {
        kills += 1;
        victim.kill('SIGKILL');
        victim = services.start(
          `orchestrator-victim-${kills}`,
          'services/orchestrator/main.js',
          orchestratorEnv,
        );
        log(`kill ${kills}: victim killed -9 and started again`);
      }, settings.killEveryS * 1_000),
    );
    while (Date.now() < endsAt) {
      await new Promise((resolve) => setTimeout(resolve, settings.sampleS * 1_000));
      const rss = rssMb(survivor.pid);
      const usage = await afterGc(survivor, heapFile);
      const sample: Sample = {
        t_s: Math.round((Date.now() - began) / 1000),
        survivor_rss_mb: rss,
        survivor_heap_mb: mb(usage?.heapUsed),
        survivor_heap_total_mb: mb(usage?.heapTotal),
        survivor_heap_spaces_mb: usage === null ? null : committedSpaces(usage),
        victim_rss_mb: rssMb(victim.pid),
        lag: await commandsLag(admin, group, topics),
        dead_letters: deadLetters,
        started,
        finished,
      };
      samples.push(sample);
      if (steadyCpu === undefined && sample.t_s >= settings.warmupS) steadyCpu = sampleCpu([survivor.pid!]);
      log(`soak ${JSON.stringify(sample)}`);
      if (survivor.exitCode !== null || survivor.signalCode !== null)
        throw new Error('the surviving orchestrator exited');
    }
    for (const timer of timers) clearInterval(timer);
    const cpu = cpuBetween(steadyCpu, sampleCpu([survivor.pid!]), new Map([[survivor.pid!, 'survivor']]));

    const steady = samples.filter((sample) => sample.t_s >= settings.warmupS);
    const perHour = (value: number | null) => (value === null ? null : round(value * 3600));
    const rssPoints = steady.flatMap((s) =>
      s.survivor_rss_mb === null ? [] : [[s.t_s, s.survivor_rss_mb] as const],
    );
    const heapPoints = steady.flatMap((s) =>
      s.survivor_heap_mb === null ? [] : [[s.t_s, s.survivor_heap_mb] as const],
    );
    const figures = {
      survivor_heap_after_gc_slope_mb_per_h: perHour(slope(heapPoints)),
      survivor_heap_after_gc_mb_first: heapPoints[0]?.[1] ?? null,
      survivor_heap_after_gc_mb_last: heapPoints.at(-1)?.[1] ?? null,
      survivor_heap_committed_mb_max: Math.max(...steady.map((s) => s.survivor_heap_total_mb ?? 0)),
      survivor_rss_slope_mb_per_h: perHour(slope(rssPoints)),
      survivor_rss_mb_max: Math.max(...rssPoints.map(([, rss]) => rss)),
      survivor_rss_mb_first: rssPoints[0]?.[1] ?? null,
      survivor_rss_mb_last: rssPoints.at(-1)?.[1] ?? null,
      survivor_cpu_pct: cpu?.survivor ?? null,
      lag_slope_per_h: perHour(slope(steady.map((s) => [s.t_s, s.lag] as const))),
      lag_max: Math.max(...steady.map((s) => s.lag)),
      dead_letters: deadLetters,
      started,
      finished,
      kills,
    };
    log(`soak figures ${JSON.stringify(figures)}`);
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, 'soak.json');
    writeFileSync(
      file,
      `${JSON.stringify({ figures, settings, samples, at: new Date().toISOString() }, null, 2)}\n`,
    );
    log(`written to ${file}`);
  } finally {
    for (const timer of timers) clearInterval(timer);
    await follower.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await services.stopAll();
    await removeDeployment(endpoints, admin, prefix, log);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
