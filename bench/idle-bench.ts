// Idle instances at scale: per level (BENCH_IDLE_LEVELS, 100,000 then 1,000,000) instances of a workflow that
// waits (bench/idle-flow.ts) are started through one orchestrator; then
// - memory: the orchestrator's heap used (after a full GC) and RSS, and Redis used_memory, each grown since the
//   orchestrator stood ready and empty, per instance;
// - restore: a fresh orchestrator takes the partitions over, first from the snapshot in Redis, then again after
//   the prefix's Redis keys are deleted, so from the transitions log alone; each timed from its spawn to
//   "orchestrator ready" and to its first command processed (a probe start committed), with the restore time
//   each partition logged.
// Each level reports how long its phases took (the driver sending the starts, the orchestrator committing them,
// the snapshot catching up) with the CPU seconds the orchestrator and the driver used meanwhile, so a slow level
// says which side held it back.
// Bounds: loading a level may take BENCH_IDLE_LEVEL_TIMEOUT_S (240) or, when longer, the time its new instances
// take at BENCH_IDLE_MIN_STARTS_PER_S (1,000): 900 s for the 900,000 added at 10^6, which loads at about 3,700
// starts/s on a 2-core machine. The snapshot catching up and each restore have BENCH_IDLE_LEVEL_TIMEOUT_S each.
// A level that cannot finish within its bound (judged from the last level's start rate, or when the bound passes)
// is reported unfinished with the reason, and the levels after it are not tried.
import { rmSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Partitioners, type Admin, type Producer } from 'kafkajs';
import { commandId, correlationId, type Command } from '../services/core';
import { toCommandEnvelope } from '../services/platform/codec/command-envelope';
import { EnvelopeCodec } from '../services/platform/codec/envelope-codec';
import { topicNames, type TopicNames } from '../services/platform/kafka/topic-names';
import { provisionTopics } from '../services/platform/kafka/topic-provisioner';
import { snapshotKeys } from '../services/platform/redis/snapshot-keys';
import {
  benchKafka,
  deleteRedisKeys,
  distRoot,
  removeDeployment,
  resultsDir,
  Services,
  type Endpoints,
} from './bench-rig';
import { IDLE_FLOW } from './idle-flow';
import { processCpuSeconds } from './process-cpu';

export interface IdleSettings {
  readonly levels: readonly number[];
  readonly partitions: number;
  readonly levelTimeoutS: number;
  readonly minStartsPerS: number;
  /** BENCH_IDLE_CPU_PROFILE=1: each restoring orchestrator writes a V8 CPU profile beside its log. */
  readonly cpuProfile: boolean;
}

export function idleSettingsFromEnv(env: NodeJS.ProcessEnv): IdleSettings {
  const levels = (env.BENCH_IDLE_LEVELS ?? '100000,1000000').split(',').map((item) => Number(item.trim()));
  const partitions = Number(env.BENCH_IDLE_PARTITIONS ?? 2);
  const levelTimeoutS = Number(env.BENCH_IDLE_LEVEL_TIMEOUT_S ?? 240);
  const minStartsPerS = Number(env.BENCH_IDLE_MIN_STARTS_PER_S ?? 1000);
  const positive = (value: number) => Number.isInteger(value) && value > 0;
  if (![...levels, partitions, levelTimeoutS, minStartsPerS].every(positive)) {
    throw new Error(
      'BENCH_IDLE_LEVELS, BENCH_IDLE_PARTITIONS, BENCH_IDLE_LEVEL_TIMEOUT_S and BENCH_IDLE_MIN_STARTS_PER_S ' +
        'take positive integers',
    );
  }
  const cpuProfile = env.BENCH_IDLE_CPU_PROFILE === '1';
  return { levels: [...levels].sort((a, b) => a - b), partitions, levelTimeoutS, minStartsPerS, cpuProfile };
}

/** Seconds loading `added` instances may take: the level's bound, or longer at the slowest start rate allowed. */
export function loadingBoundS(settings: IdleSettings, added: number): number {
  return Math.max(settings.levelTimeoutS, Math.ceil(added / settings.minStartsPerS));
}

export interface MemoryFigures {
  /** Starts committed per second while this level's instances were added. */
  readonly started_per_s: number;
  readonly heap_used_bytes_per_instance: number;
  readonly rss_bytes_per_instance: number;
  readonly redis_bytes_per_instance: number;
}

export interface RestoreFigures {
  /** From spawn to the "orchestrator ready" log line (every assigned partition restored). */
  readonly ready_ms: number;
  /** From spawn to the first command (a start sent at spawn) committed by the new orchestrator. */
  readonly first_command_ms: number;
  /** The slowest partition's restore as it logged it (load the snapshot, replay the log after it). */
  readonly partition_restore_max_ms: number;
  readonly instances_restored: number;
  readonly records_replayed: number;
  /**
   * The restored orchestrator's heap used after a full GC, grown since the first orchestrator stood ready and
   * empty, per instance; taken once restored, and after a restore from the log once its snapshot is written.
   */
  readonly heap_used_bytes_per_instance: number;
}

/** Where loading a level went, each phase from the level's start. */
export interface LoadingFigures {
  readonly bound_s: number;
  /** The driver has sent every start (acknowledged by Kafka). */
  readonly sent_s: number;
  /** The orchestrator has committed every start. */
  readonly committed_s: number;
  /** The snapshots in Redis hold every instance. */
  readonly snapshot_s: number;
  /** CPU seconds (user + system) used until every start was committed. */
  readonly orchestrator_cpu_s: number;
  readonly driver_cpu_s: number;
}

export interface IdleLevel {
  readonly instances: number;
  readonly loading?: LoadingFigures;
  readonly memory?: MemoryFigures;
  readonly restore_from_snapshot?: RestoreFigures;
  readonly restore_from_log?: RestoreFigures;
  readonly unfinished?: string;
  /** When a restore failed: the partitions the failing orchestrator had logged as restored. */
  readonly restored_before_failure?: readonly PartitionRestore[];
}

export interface PartitionRestore {
  readonly seconds: number;
  readonly instances: number;
  readonly replayed: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const SEND_CHUNK = 5_000;
const POLL_MS = 50;

interface Memory {
  readonly heapUsed: number;
  readonly rss: number;
  readonly redis: number;
}

/** One deployment for every level: instances accumulate, each level adding up to its count. */
export async function idleBench(endpoints: Endpoints, settings: IdleSettings): Promise<IdleLevel[]> {
  const prefix = `bench-idle-${Date.now()}`;
  const kafka = benchKafka(endpoints.kafkaBrokers);
  const topics = topicNames(prefix);
  const admin = kafka.admin();
  await admin.connect();
  const services = new Services(path.join(resultsDir, 'logs', prefix));
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const redis = new Redis(endpoints.redisUrl, { maxRetriesPerRequest: 3 });
  const levels: IdleLevel[] = [];
  try {
    await provisionTopics(admin, topics, {
      partitions: settings.partitions,
      replicationFactor: 1,
      transitionsRetentionMs: -1,
    });
    const codec = await EnvelopeCodec.connect({ registryUrl: endpoints.schemaRegistryUrl, topics });
    await producer.connect();
    const rig = new IdleRig({ endpoints, settings, prefix, topics, admin, services, producer, codec, redis });
    let orchestrator = await rig.startOrchestrator('orchestrator-0');
    await orchestrator.probed;
    const empty = await rig.memory(orchestrator);
    let created = 0;
    let lastRate: number | undefined;
    for (const target of settings.levels) {
      // What the level was doing, for the reason when it does not finish.
      let phase: 'starting instances' | 'restoring from the snapshot' | 'restoring from the log' =
        'starting instances';
      const level: { -readonly [K in keyof IdleLevel]: IdleLevel[K] } = { instances: target };
      levels.push(level);
      try {
        const added = target - created;
        const boundS = loadingBoundS(settings, added);
        const projected = lastRate === undefined ? 0 : added / lastRate;
        if (projected > boundS) {
          throw new Error(
            `at ${round(lastRate!)} starts/s the ${added} more instances would take ${Math.round(projected)} s, ` +
              `over the level's bound of ${boundS} s (BENCH_IDLE_LEVEL_TIMEOUT_S, BENCH_IDLE_MIN_STARTS_PER_S)`,
          );
        }
        const loading = await rig.load(orchestrator, created, target, boundS);
        level.loading = loading;
        lastRate = added / loading.committed_s;
        created = target;
        const full = await rig.memory(orchestrator);
        level.memory = memoryFigures(empty, full, created, lastRate);
        log(
          `idle ${created}: loaded ${JSON.stringify(loading)}; per instance ${JSON.stringify(level.memory)}`,
        );
        await services.stop(orchestrator.child);
        phase = 'restoring from the snapshot';
        orchestrator = await rig.startOrchestrator(`orchestrator-${created}-snapshot`, true);
        level.restore_from_snapshot = await rig.restored(orchestrator, rig.deadline(), empty, created);
        log(`idle ${created}: restore from the snapshot ${JSON.stringify(level.restore_from_snapshot)}`);
        await services.stop(orchestrator.child);
        const deleted = await deleteRedisKeys(endpoints.redisUrl, prefix);
        log(`idle ${created}: ${deleted} Redis keys of ${prefix} deleted`);
        phase = 'restoring from the log';
        orchestrator = await rig.startOrchestrator(`orchestrator-${created}-log`, true);
        level.restore_from_log = await rig.restored(orchestrator, rig.deadline(), empty, created, true);
        log(`idle ${created}: restore from the log alone ${JSON.stringify(level.restore_from_log)}`);
        // The next level's growth is measured against the empty orchestrator's figures, in the orchestrator
        // that has just restored this level's instances from the log.
      } catch (error) {
        level.unfinished = `${phase}: ${error instanceof Error ? error.message : String(error)}`;
        if (phase !== 'starting instances' && orchestrator.restores.length > 0) {
          level.restored_before_failure = [...orchestrator.restores];
        }
        log(`idle ${target}: unfinished: ${level.unfinished}`);
        break;
      }
    }
    for (const target of settings.levels.slice(levels.length)) {
      levels.push({ instances: target, unfinished: 'not tried: an earlier level did not finish' });
    }
    return levels;
  } finally {
    await producer.disconnect().catch(() => undefined);
    redis.disconnect();
    await services.stopAll();
    await removeDeployment(endpoints, admin, prefix, log);
  }
}

function memoryFigures(empty: Memory, full: Memory, instances: number, startedPerS: number): MemoryFigures {
  const per = (grown: number) => Math.round(grown / instances);
  return {
    started_per_s: round(startedPerS),
    heap_used_bytes_per_instance: per(full.heapUsed - empty.heapUsed),
    rss_bytes_per_instance: per(full.rss - empty.rss),
    redis_bytes_per_instance: per(full.redis - empty.redis),
  };
}

interface RigParts {
  readonly endpoints: Endpoints;
  readonly settings: IdleSettings;
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly admin: Admin;
  readonly services: Services;
  readonly producer: Producer;
  readonly codec: EnvelopeCodec;
  readonly redis: Redis;
}

interface RunningOrchestrator {
  readonly child: ReturnType<Services['start']>;
  readonly spawnedAt: number;
  readonly heapFile: string;
  /** Resolves with the time from spawn when the probe start sent at spawn is committed. */
  readonly probed: Promise<number>;
  /** Resolves with the time from spawn at "orchestrator ready". */
  readonly ready: Promise<number>;
  /** "partition restored" log lines so far. */
  readonly restores: PartitionRestore[];
}

class IdleRig {
  private probes = 0;

  constructor(private readonly parts: RigParts) {}

  /** Spawns an orchestrator serving the idle flow, with the heap probe, and sends a probe start at once. */
  async startOrchestrator(name: string, profiled = false): Promise<RunningOrchestrator> {
    const { endpoints, prefix, settings, services } = this.parts;
    const heapFile = path.join(services.logDir, `${name}.heap.json`);
    const profile = profiled && settings.cpuProfile;
    const profileArgs = [
      '--cpu-prof',
      '--cpu-prof-dir',
      services.logDir,
      '--cpu-prof-name',
      `${name}.cpuprofile`,
    ];
    const child = services.start(
      name,
      'services/orchestrator/main.js',
      {
        KAFKA_BROKERS: endpoints.kafkaBrokers,
        SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
        REDIS_URL: endpoints.redisUrl,
        STATEWRIGHT_PREFIX: prefix,
        STATEWRIGHT_GROUP: `${prefix}.orchestrator`,
        STATEWRIGHT_REDIS_PREFIX: prefix,
        STATEWRIGHT_PARTITIONS: String(settings.partitions),
        STATEWRIGHT_WORKFLOWS: path.join(distRoot, 'bench', 'idle-flow.js'),
        LOG_LEVEL: 'info',
        METRICS_PORT: '0',
        BENCH_HEAP_FILE: heapFile,
      },
      [
        '--expose-gc',
        ...(profile ? profileArgs : []),
        '--require',
        path.join(distRoot, 'bench', 'heap-probe.js'),
      ],
    );
    const spawnedAt = performance.now();
    const restores: RunningOrchestrator['restores'] = [];
    let lastError = '';
    let exited = false;
    child.once('exit', () => (exited = true));
    const ready = new Promise<number>((resolve, reject) => {
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const entry = parseLine(line);
          if (entry?.msg === 'partition restored') {
            restores.push({
              seconds: Number(entry.seconds),
              instances: Number(entry.instances),
              replayed: Number(entry.replayed),
            });
          }
          if (entry?.msg === 'orchestrator ready') resolve(performance.now() - spawnedAt);
          if (typeof entry?.level === 'number' && entry.level >= 50) lastError = errorOf(entry);
        }
      });
      child.once('exit', (code, signal) =>
        reject(
          new Error(
            `${name} exited (${code ?? signal}) before it was ready` +
              (lastError === '' ? '' : `; its last error: ${lastError}`) +
              `; see ${path.join(services.logDir, `${name}.log`)}`,
          ),
        ),
      );
    });
    ready.catch(() => undefined);
    const probe = await this.sendStarts([`probe-${this.probes++}`]);
    const probed = this.processed(probe, Number.POSITIVE_INFINITY, () => exited).then(
      () => performance.now() - spawnedAt,
    );
    probed.catch(() => undefined);
    return { child, spawnedAt, heapFile, probed, ready, restores };
  }

  /** The end of a phase bounded by BENCH_IDLE_LEVEL_TIMEOUT_S, from now. */
  deadline(): number {
    return performance.now() + this.parts.settings.levelTimeoutS * 1000;
  }

  /**
   * Starts instances `from` … `to - 1`, waits until the orchestrator has committed every start and the snapshot
   * holds them, and answers how long each phase took.
   */
  async load(
    orchestrator: RunningOrchestrator,
    from: number,
    to: number,
    boundS: number,
  ): Promise<LoadingFigures> {
    const began = performance.now();
    const seconds = () => round((performance.now() - began) / 1000, 2);
    const cpu = cpuMeter(orchestrator.child.pid);
    const deadline = began + boundS * 1000;
    let sent: Map<number, number> = new Map();
    for (let next = from; next < to; next += SEND_CHUNK) {
      if (performance.now() > deadline)
        throw new Error(`sent ${next - from} of ${to - from} starts by the level's bound of ${boundS} s`);
      const ids = Array.from({ length: Math.min(SEND_CHUNK, to - next) }, (_, i) => `idle-${next + i}`);
      sent = mergeEnds(sent, await this.sendStarts(ids));
    }
    const sentS = seconds();
    await this.processed(sent, deadline);
    const committedS = seconds();
    const used = cpu();
    await this.snapshotHolds(to, this.deadline());
    return {
      bound_s: boundS,
      sent_s: sentS,
      committed_s: committedS,
      snapshot_s: seconds(),
      orchestrator_cpu_s: used.orchestrator,
      driver_cpu_s: used.driver,
    };
  }

  /** Waits until the snapshot hashes in Redis hold `instances` instances (and the probes). */
  async snapshotHolds(instances: number, deadline: number): Promise<void> {
    const { redis, prefix, settings } = this.parts;
    const keys = Array.from(
      { length: settings.partitions },
      (_, p) => snapshotKeys(prefix, prefix, p).instances,
    );
    for (;;) {
      const sizes = await Promise.all(keys.map((key) => redis.hlen(key)));
      const held = sizes.reduce((sum, size) => sum + size, 0);
      if (held >= instances) return;
      if (performance.now() > deadline)
        throw new Error(`the snapshot held ${held} of ${instances} instances by the level's bound`);
      await delay(200);
    }
  }

  async memory(orchestrator: RunningOrchestrator): Promise<Memory> {
    const usage = await heapOf(orchestrator);
    const info = await this.parts.redis.info('memory');
    const redis = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
    return { heapUsed: usage.heapUsed, rss: usage.rss, redis };
  }

  async restored(
    orchestrator: RunningOrchestrator,
    deadline: number,
    empty: Memory,
    instances: number,
    rewritesSnapshot = false,
  ): Promise<RestoreFigures> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      const left = Math.max(0, deadline - performance.now());
      timer = setTimeout(() => reject(new Error("the restore did not finish by the level's bound")), left);
    });
    // ready rejects first when the process exits: its reason says why.
    const both = orchestrator.ready.then(async (ready) => [ready, await orchestrator.probed] as const);
    const [readyMs, firstMs] = await Promise.race([both, bound]).finally(() => clearTimeout(timer));
    const { restores } = orchestrator;
    // After a restore from the log the orchestrator writes its snapshot in full: measured once that is done.
    if (rewritesSnapshot) await this.snapshotHolds(instances, this.deadline());
    const { heapUsed } = await this.memory(orchestrator);
    return {
      ready_ms: Math.round(readyMs),
      first_command_ms: Math.round(firstMs),
      partition_restore_max_ms: Math.round(1000 * Math.max(0, ...restores.map((r) => r.seconds))),
      instances_restored: restores.reduce((sum, r) => sum + r.instances, 0),
      records_replayed: restores.reduce((sum, r) => sum + r.replayed, 0),
      heap_used_bytes_per_instance: Math.round((heapUsed - empty.heapUsed) / instances),
    };
  }

  /** Sends starts of the idle flow; answers the offset after the last one sent to each partition. */
  private async sendStarts(ids: readonly string[]): Promise<Map<number, number>> {
    const { producer, codec, topics } = this.parts;
    const now = Date.now();
    const messages = ids.map((id) => ({
      key: id,
      value: codec.encode('command', toCommandEnvelope(startOf(id, now))),
    }));
    const metadata = await producer.send({ topic: topics.commands, messages });
    const written = new Set(metadata.map((record) => record.partition));
    // The high watermark of each partition written to now covers everything just sent to it.
    const offsets = await this.parts.admin.fetchTopicOffsets(topics.commands);
    const ends = new Map<number, number>();
    for (const { partition, high } of offsets) if (written.has(partition)) ends.set(partition, Number(high));
    return ends;
  }

  /** Polls the orchestrator group's committed offsets until each partition has reached `ends`. */
  private async processed(
    ends: ReadonlyMap<number, number>,
    deadline: number,
    gone: () => boolean = () => false,
  ): Promise<void> {
    const { admin, prefix, topics } = this.parts;
    for (;;) {
      const [committed] = await admin.fetchOffsets({
        groupId: `${prefix}.orchestrator`,
        topics: [topics.commands],
      });
      const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
      if ([...ends].every(([partition, end]) => (at.get(partition) ?? -1) >= end)) return;
      if (gone()) throw new Error('the orchestrator exited');
      if (performance.now() > deadline) {
        const behind = [...ends].map(([p, end]) => `p${p} ${at.get(p) ?? -1}/${end}`).join(', ');
        const done = [...ends].reduce((sum, [p]) => sum + Math.max(0, at.get(p) ?? 0), 0);
        const all = [...ends].reduce((sum, [, end]) => sum + end, 0);
        throw new Error(
          `the orchestrator had committed ${done} of ${all} commands by the level's bound ` +
            `(BENCH_IDLE_LEVEL_TIMEOUT_S; offsets committed/end: ${behind})`,
        );
      }
      await delay(POLL_MS);
    }
  }
}

function startOf(id: string, now: number): Command {
  return {
    commandId: commandId(`${id}:start`),
    correlationId: correlationId(id),
    workflow: IDLE_FLOW,
    actor: 'bench',
    timestamp: now,
    expectedSeq: null,
    sourceSeq: null,
    type: 'start',
    input: { id },
    version: null,
  };
}

/** CPU seconds the orchestrator and this process use from now to each call of the answer. */
function cpuMeter(orchestratorPid: number | undefined): () => { orchestrator: number; driver: number } {
  const orchestrator = () =>
    orchestratorPid === undefined ? Number.NaN : processCpuSeconds(orchestratorPid);
  const driver = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const start = { orchestrator: orchestrator() ?? Number.NaN, driver: driver() };
  return () => ({
    orchestrator: round((orchestrator() ?? Number.NaN) - start.orchestrator, 2),
    driver: round(driver() - start.driver, 2),
  });
}

function mergeEnds(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): Map<number, number> {
  const merged = new Map(a);
  for (const [partition, end] of b) merged.set(partition, Math.max(merged.get(partition) ?? 0, end));
  return merged;
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A logged error's message and its cause's, on one line. */
function errorOf(entry: Record<string, unknown>): string {
  const err = entry.err as { type?: string; message?: string } | undefined;
  const cause = err === undefined ? '' : `: ${err.type ?? 'Error'}: ${err.message ?? ''}`;
  return `${String(entry.msg)}${cause}`;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Asks the heap probe in the orchestrator for its memory use after a full GC. */
async function heapOf(orchestrator: RunningOrchestrator): Promise<NodeJS.MemoryUsage> {
  rmSync(orchestrator.heapFile, { force: true });
  orchestrator.child.kill('SIGUSR2');
  const until = performance.now() + 30_000;
  while (!existsSync(orchestrator.heapFile)) {
    if (performance.now() > until)
      throw new Error("the orchestrator's heap probe did not answer within 30 s");
    await delay(POLL_MS);
  }
  return JSON.parse(readFileSync(orchestrator.heapFile, 'utf8')) as NodeJS.MemoryUsage;
}
