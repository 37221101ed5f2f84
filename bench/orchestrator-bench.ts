// Throughput and latency of the orchestrator with exactly-once on, against the raw transactional
// loop (baseline-loop.ts, or confluent-baseline-loop.ts with STATEWRIGHT_KAFKA_CLIENT=confluent) on the same broker
// in the same run.
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { EnvelopeCodec } from '../services/platform/codec/envelope-codec';
import { toCommandEnvelope } from '../services/platform/codec/command-envelope';
import type { TransitionEnvelope } from '../services/platform/codec/transition-envelope';
import { isUnknownTopic } from '../services/platform/kafka/kafka-failure';
import { topicNames, type TopicNames } from '../services/platform/kafka/topic-names';
import { provisionTopics } from '../services/platform/kafka/topic-provisioner';
import { processCpuSeconds } from './process-cpu';
import {
  benchKafka,
  countUntil,
  median,
  percentile,
  removeDeployment,
  resultsDir,
  Services,
  type Endpoints,
} from './bench-rig';
import { instanceCommands, startOf } from './bench-traffic';

/** One round: the orchestrator and the raw loop driven one after the other on fresh topics. */
export interface ThroughputRound {
  readonly orchestrator_tps: number;
  readonly baseline_tps: number;
  readonly ratio: number;
  /** CPU of the orchestrator's (the raw loop's) own process per record, the machine's other load left out. */
  readonly orchestrator_cpu_ms_per_record: number | null;
  readonly baseline_cpu_ms_per_record: number | null;
  /** The side driven first in this round; the rounds alternate. */
  readonly first: 'orchestrator' | 'baseline';
}

/** Medians over the rounds; `ratio` is the median of the rounds' ratios. */
export interface ThroughputFigures {
  readonly orchestrator_tps: number;
  readonly baseline_tps: number;
  readonly ratio: number;
  readonly orchestrator_cpu_ms_per_record: number | null;
  readonly baseline_cpu_ms_per_record: number | null;
  /** Commands driven through each side in each round. */
  readonly commands: number;
  readonly rounds: readonly ThroughputRound[];
}

export interface LatencyFigures {
  readonly offered_per_s: number;
  readonly measured: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
}

export const PARTITIONS = 6;
const log = (line: string) => process.stdout.write(`${line}\n`);

/** A round's topics for the orchestrator and for the raw loop, with the processes started on them. */
interface Deployment {
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly baselineTopics: { readonly input: string; readonly output: string };
  readonly services: Services;
  readonly codec: EnvelopeCodec;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * `rounds` rounds of throughput, each on topics of its own and alternating which side goes first, so that a
 * machine whose speed drifts during the run moves both sides of a ratio alike; then latency at each offered load,
 * on the last round's topics.
 */
export async function orchestratorBench(
  endpoints: Endpoints,
  commands: number,
  loads: readonly number[],
  loadSeconds: number,
  rounds: number,
) {
  const kafka = benchKafka(endpoints.kafkaBrokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const instances = Math.ceil(commands / 3);
    const measured: ThroughputRound[] = [];
    let driven = 0;
    let latency: LatencyFigures[] = [];
    for (let index = 0; index < rounds; index++) {
      await withDeployment(kafka, admin, endpoints, async (deployment) => {
        const first = index % 2 === 0 ? 'orchestrator' : 'baseline';
        const { figures, messages } = await throughputRound(kafka, deployment, instances, first);
        measured.push(figures);
        driven = messages;
        log(
          `round ${index + 1} of ${rounds}: ratio ${figures.ratio} ` +
            `(${figures.orchestrator_tps} transitions/s against ${figures.baseline_tps} records/s)`,
        );
        if (index === rounds - 1) {
          const { services, codec, topics, env } = deployment;
          latency = await latencyAtLoads(kafka, services, codec, topics, env, loads, loadSeconds);
        }
      });
    }
    const throughput = summarise(measured, driven);
    log(
      `median of ${rounds} rounds: ratio ${throughput.ratio}, ${throughput.orchestrator_tps} transitions/s ` +
        `against ${throughput.baseline_tps} records/s`,
    );
    return { throughput, latency };
  } finally {
    await admin.disconnect();
  }
}

async function withDeployment(
  kafka: Kafka,
  admin: Admin,
  endpoints: Endpoints,
  body: (deployment: Deployment) => Promise<void>,
): Promise<void> {
  const prefix = `bench-${Date.now()}`;
  const topics = topicNames(prefix);
  const services = new Services(path.join(resultsDir, 'logs', prefix));
  const baselineTopics = { input: `${prefix}.baseline-in`, output: `${prefix}.baseline-out` };
  try {
    await provisionTopics(admin, topics, {
      partitions: PARTITIONS,
      replicationFactor: 1,
      transitionsRetentionMs: -1,
    });
    await createBaselineTopics(admin, [baselineTopics.input, baselineTopics.output]);
    const codec = await EnvelopeCodec.connect({ registryUrl: endpoints.schemaRegistryUrl, topics });
    const env = orchestratorEnv(endpoints, prefix);
    await body({ prefix, topics, baselineTopics, services, codec, env });
  } finally {
    await services.stopAll();
    // The rounds share `admin`; removing a deployment disconnects the admin it is given.
    const cleanup = kafka.admin();
    await cleanup.connect();
    await removeDeployment(endpoints, cleanup, prefix, log);
  }
}

async function throughputRound(
  kafka: Kafka,
  { prefix, topics, baselineTopics, services, codec, env }: Deployment,
  instances: number,
  first: ThroughputRound['first'],
): Promise<{ figures: ThroughputRound; messages: number }> {
  const encode = (id: string) =>
    instanceCommands(id, Date.now()).map((command) => ({
      key: id,
      value: codec.encode('command', toCommandEnvelope(command)),
    }));
  const warmup = encode('warmup');
  const messages = Array.from({ length: instances }, (_, i) => `bench-${i}`).flatMap(encode);
  log(`driving ${messages.length} commands (${instances} bench-flow instances) through each system`);
  const sides = {
    orchestrator: async () => {
      const figures = await drive(
        kafka,
        services,
        { input: topics.commands, output: topics.transitions },
        warmup,
        messages,
        () => services.start('orchestrator-throughput', 'services/orchestrator/main.js', env),
      );
      log(`orchestrator: ${figures.perSecond.toFixed(0)} transitions/s, ${cpuText(figures)}`);
      return figures;
    },
    baseline: async () => {
      const figures = await drive(kafka, services, baselineTopics, warmup, messages, () =>
        services.start('baseline', baselineLoop(), {
          KAFKA_BROKERS: env.KAFKA_BROKERS,
          BASELINE_INPUT: baselineTopics.input,
          BASELINE_OUTPUT: baselineTopics.output,
          BASELINE_GROUP: `${prefix}.baseline`,
          BASELINE_PARTITIONS: String(PARTITIONS),
        }),
      );
      log(`baseline:     ${figures.perSecond.toFixed(0)} records/s, ${cpuText(figures)}`);
      return figures;
    },
  };
  const firstFigures = await sides[first]();
  const secondFigures = await sides[first === 'orchestrator' ? 'baseline' : 'orchestrator']();
  const [orchestrator, baseline] =
    first === 'orchestrator' ? [firstFigures, secondFigures] : [secondFigures, firstFigures];
  const figures: ThroughputRound = {
    orchestrator_tps: round(orchestrator.perSecond),
    baseline_tps: round(baseline.perSecond),
    ratio: round(orchestrator.perSecond / baseline.perSecond, 3),
    orchestrator_cpu_ms_per_record: roundOrNull(orchestrator.cpuMsPerRecord),
    baseline_cpu_ms_per_record: roundOrNull(baseline.cpuMsPerRecord),
    first,
  };
  return { figures, messages: messages.length };
}

function summarise(rounds: readonly ThroughputRound[], commands: number): ThroughputFigures {
  const of = (figure: (entry: ThroughputRound) => number | null, digits: number) => {
    const value = median(rounds.map(figure));
    return value === null ? null : round(value, digits);
  };
  return {
    orchestrator_tps: of((entry) => entry.orchestrator_tps, 1) ?? Number.NaN,
    baseline_tps: of((entry) => entry.baseline_tps, 1) ?? Number.NaN,
    ratio: of((entry) => entry.ratio, 3) ?? Number.NaN,
    orchestrator_cpu_ms_per_record: of((entry) => entry.orchestrator_cpu_ms_per_record, 3),
    baseline_cpu_ms_per_record: of((entry) => entry.baseline_cpu_ms_per_record, 3),
    commands,
    rounds,
  };
}

/** The raw loop of the client the orchestrator runs on (STATEWRIGHT_KAFKA_CLIENT), so the ratio compares like with like. */
const baselineLoop = (): string =>
  process.env.STATEWRIGHT_KAFKA_CLIENT === 'confluent'
    ? 'bench/confluent-baseline-loop.js'
    : 'bench/baseline-loop.js';

/**
 * Creates the raw loop's topics. kafkajs' wait for leaders gives up on a topic the metadata does not know yet,
 * which a busy broker's new topic can be for a while: the metadata is then asked again, a bounded number of times.
 */
async function createBaselineTopics(admin: Admin, topics: string[]): Promise<void> {
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })),
      waitForLeaders: true,
    });
  } catch (error) {
    if (!isUnknownTopic(error)) throw error;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.fetchTopicMetadata({ topics });
      return;
    } catch (error) {
      if (!isUnknownTopic(error) || attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const roundOrNull = (value: number | undefined) => (value === undefined ? null : round(value, 3));
const cpuText = ({ cpuMsPerRecord }: DriveFigures) =>
  cpuMsPerRecord === undefined ? 'CPU unknown' : `${cpuMsPerRecord.toFixed(3)} CPU ms/record`;

export const orchestratorEnv = (endpoints: Endpoints, prefix: string): NodeJS.ProcessEnv => ({
  KAFKA_BROKERS: endpoints.kafkaBrokers,
  SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
  REDIS_URL: endpoints.redisUrl,
  STATEWRIGHT_PREFIX: prefix,
  STATEWRIGHT_GROUP: `${prefix}.orchestrator`,
  STATEWRIGHT_REDIS_PREFIX: prefix,
  STATEWRIGHT_PARTITIONS: String(PARTITIONS),
  LOG_LEVEL: 'warn',
  METRICS_PORT: '0',
});

async function produceAll(
  kafka: Kafka,
  topic: string,
  messages: { key: string; value: Buffer }[],
): Promise<void> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2_000) {
      await producer.send({ topic, messages: messages.slice(i, i + 2_000) });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface DriveFigures {
  /** Committed outputs per second from the first send to the last output seen. */
  readonly perSecond: number;
  /** CPU time of the consumer-producer's process per output over the same span (undefined without /proc). */
  readonly cpuMsPerRecord: number | undefined;
}

/**
 * Starts a consumer-producer, waits until the warm-up's outputs are committed (it is running and owns its
 * partitions), then produces the messages and measures committed outputs per second from the first send
 * to the last output seen, and the process's CPU time over that span. On a shared, busy machine the CPU per
 * record moves much less than the rate does.
 */
export async function drive(
  kafka: Kafka,
  services: Services,
  topics: { input: string; output: string },
  warmup: { key: string; value: Buffer }[],
  messages: { key: string; value: Buffer }[],
  start: () => ReturnType<Services['start']>,
): Promise<DriveFigures> {
  const child = start();
  try {
    const ready = await countUntil(kafka, topics.output, warmup.length, 120_000);
    await produceAll(kafka, topics.input, warmup);
    await ready.result.finally(() => ready.stop());
    const counter = await countUntil(
      kafka,
      topics.output,
      messages.length,
      300_000,
      (m) => m.key?.toString() !== 'warmup',
    );
    const cpuBefore = child.pid === undefined ? undefined : processCpuSeconds(child.pid);
    const began = Date.now();
    await produceAll(kafka, topics.input, messages);
    const { lastAt, count } = await counter.result.finally(() => counter.stop());
    const cpuAfter = child.pid === undefined ? undefined : processCpuSeconds(child.pid);
    const cpuMsPerRecord =
      cpuBefore === undefined || cpuAfter === undefined || count === 0
        ? undefined
        : ((cpuAfter - cpuBefore) * 1000) / count;
    return { perSecond: count / (Math.max(1, lastAt - began) / 1000), cpuMsPerRecord };
  } finally {
    await services.stop(child);
  }
}

/** Offers starts at a fixed rate and measures produce → committed transition for each. */
async function latencyAtLoads(
  kafka: Kafka,
  services: Services,
  codec: EnvelopeCodec,
  topics: TopicNames,
  env: NodeJS.ProcessEnv,
  loads: readonly number[],
  seconds: number,
): Promise<LatencyFigures[]> {
  const child = services.start('orchestrator-latency', 'services/orchestrator/main.js', env);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const figures: LatencyFigures[] = [];
  try {
    await measure(kafka, producer, codec, topics, 'warmup', 20, 1);
    for (const rate of loads) {
      const latencies = await measure(
        kafka,
        producer,
        codec,
        topics,
        `load${rate}-${Date.now()}`,
        rate,
        seconds,
      );
      figures.push({
        offered_per_s: rate,
        measured: latencies.length,
        p50_ms: percentile(latencies, 50),
        p99_ms: percentile(latencies, 99),
      });
      log(
        `latency at ${rate}/s: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms (${latencies.length} starts)`,
      );
    }
    return figures;
  } finally {
    await producer.disconnect();
    await services.stop(child);
  }
}

/** Offers a run's starts and returns, sorted, each one's time from produce to its committed first transition. */
async function measure(
  kafka: Kafka,
  producer: ReturnType<Kafka['producer']>,
  codec: EnvelopeCodec,
  topics: TopicNames,
  run: string,
  rate: number,
  seconds: number,
): Promise<number[]> {
  const latencies: number[] = [];
  const counter = await countUntil(
    kafka,
    topics.transitions,
    rate * seconds,
    seconds * 1000 + 120_000,
    async (message) => {
      const envelope = (await codec.decode('transition', message.value)) as TransitionEnvelope;
      if (envelope.seq !== 1 || !envelope.correlationId.startsWith(`${run}-`)) return false;
      latencies.push(Date.now() - (JSON.parse(envelope.record) as { issuedAt: number }).issuedAt);
      return true;
    },
  );
  await offer(producer, codec, topics, run, rate, seconds);
  await counter.result.finally(() => counter.stop());
  return latencies.sort((a, b) => a - b);
}

/** Sends `rate` starts per second for `seconds`, in 20 ms slices, each stamped with its produce time. */
async function offer(
  producer: ReturnType<Kafka['producer']>,
  codec: EnvelopeCodec,
  topics: TopicNames,
  run: string,
  rate: number,
  seconds: number,
): Promise<void> {
  const sliceMs = 20;
  const total = rate * seconds;
  const begin = Date.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.ceil(((Date.now() - begin + sliceMs) / 1000) * rate));
    const now = Date.now();
    const messages = [];
    for (; sent < due; sent++) {
      const id = `${run}-${sent}`;
      messages.push({ key: id, value: codec.encode('command', toCommandEnvelope(startOf(id, now))) });
    }
    if (messages.length > 0) await producer.send({ topic: topics.commands, messages });
    const wait = begin + (sent / rate) * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
