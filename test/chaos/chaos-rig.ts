// Everything a chaos test stands on: its own topics and Redis prefix, the codec, a fleet of
// orchestrator processes, the task responder and the progress watcher; `readLogs` reads the
// committed commands, records and dead letters back; `close` removes everything it made.
import path from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { LogRecord } from '../../services/core';
import { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import { fromCommandEnvelope, type CommandEnvelope } from '../../services/platform/codec/command-envelope';
import {
  fromChangelogEnvelope,
  type TransitionEnvelope,
} from '../../services/platform/codec/transition-envelope';
import { topicNames, type TopicNames } from '../../services/platform/kafka/topic-names';
import { provisionTopics } from '../../services/platform/kafka/topic-provisioner';
import { endpoints, testNamespace, type Endpoints, type TestNamespace } from '../harness/namespace';
import { ProcessFleet, type ServiceProcess } from '../harness/process-fleet';
import { readTopicToEnd } from '../harness/topic-reader';
import { repoRoot } from '../harness/infrastructure';
import type { ConsumedCommand } from './invariant-checker';
import { TaskResponder } from './task-responder';
import { ProgressWatcher } from './progress-watcher';
import { EXAMPLE_MODULES } from '../harness/examples';

export interface RigOptions {
  readonly label: string;
  readonly partitions: number;
  readonly expectedInstances: number;
  readonly shippingTimeoutMs: number;
  readonly duplicateRate: number;
  readonly random: () => number;
  /** Kafka (one address or a comma-separated list), registry and Redis; the global setup's when absent. */
  readonly endpoints?: Endpoints;
  /** Replicas of each topic of the run; 1 when absent. */
  readonly replicationFactor?: number;
  /** Where the orchestrators and the task responder reach Kafka (a proxy); the rig's own brokers when absent. */
  readonly serviceBrokers?: string;
  /** Told each step of opening the rig as it begins, to name the step a stuck start is at. */
  readonly at?: (step: string) => void;
}

export interface CommittedLogs {
  readonly commands: Map<number, ConsumedCommand[]>;
  readonly records: Map<number, LogRecord[]>;
  readonly deadLetters: KafkaMessage[];
  /** The instance records of the transitions topic as written, aborted ones included (when asked for). */
  readonly written: readonly WrittenRecord[];
}

/** One record of the transitions topic read uncommitted: where, by which producer, and whether it committed. */
export interface WrittenRecord {
  readonly partition: number;
  readonly offset: number;
  readonly producer: string;
  readonly inTransaction: boolean;
  readonly committed: boolean;
  readonly kind: LogRecord['kind'];
  readonly correlationId: string;
  readonly commandId: string;
  readonly seq: number | null;
}

interface BatchContextOf {
  readonly batchContext?: {
    readonly producerId: string;
    readonly producerEpoch: number;
    readonly inTransaction: boolean;
  };
}

export class ChaosRig {
  private readonly owners = new Map<ServiceProcess, readonly number[]>();
  readonly ns: TestNamespace;
  readonly topics: TopicNames;
  readonly kafka: Kafka;
  readonly redis: Redis;
  readonly fleet: ProcessFleet;
  readonly watcher: ProgressWatcher;
  private responder: TaskResponder | undefined;

  private constructor(
    readonly options: RigOptions,
    readonly codec: EnvelopeCodec,
    ns: TestNamespace,
    kafka: Kafka,
  ) {
    const { kafkaBrokers, schemaRegistryUrl, redisUrl } = options.endpoints ?? endpoints();
    this.ns = ns;
    this.kafka = kafka;
    this.topics = topicNames(ns.prefix);
    this.redis = new Redis(redisUrl);
    this.fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'chaos', ns.prefix), {
      ...EXAMPLE_MODULES,
      KAFKA_BROKERS: options.serviceBrokers ?? kafkaBrokers,
      SCHEMA_REGISTRY_URL: schemaRegistryUrl,
      REDIS_URL: redisUrl,
      STATEWRIGHT_PREFIX: ns.prefix,
      STATEWRIGHT_GROUP: ns.groupId,
      STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
      STATEWRIGHT_PARTITIONS: String(options.partitions),
      ORDER_SHIPPING_TIMEOUT_MS: String(options.shippingTimeoutMs),
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
    });
    this.watcher = new ProgressWatcher(kafka, codec, this.topics.transitions, options.expectedInstances);
  }

  static async open(options: RigOptions): Promise<ChaosRig> {
    const at = options.at ?? (() => undefined);
    const ns = testNamespace(options.label);
    const { kafkaBrokers, schemaRegistryUrl } = options.endpoints ?? endpoints();
    const kafka = new Kafka({
      brokers: kafkaBrokers.split(','),
      clientId: ns.prefix,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 50, retries: 10 },
    });
    const topics = topicNames(ns.prefix);
    const admin = kafka.admin();
    at('provisioning the topics');
    await admin.connect();
    try {
      await provisionTopics(admin, topics, {
        partitions: options.partitions,
        replicationFactor: options.replicationFactor ?? 1,
        transitionsRetentionMs: -1,
      });
    } finally {
      await admin.disconnect();
    }
    at('registering the schemas');
    const codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
    const rig = new ChaosRig(options, codec, ns, kafka);
    at('starting the progress watcher');
    await rig.watcher.start();
    return rig;
  }

  startOrchestrator(): ServiceProcess {
    const service = this.fleet.start('orchestrator', 'services/orchestrator/main.js');
    // Which partitions it owns, from its `orchestrator ready` lines: what a kill of it moves.
    let buffer = '';
    service.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (buffer + chunk.toString('utf8')).split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('orchestrator ready')) continue;
        const parsed = JSON.parse(line) as { partitions?: number[] };
        if (parsed.partitions !== undefined) this.owners.set(service, parsed.partitions);
      }
    });
    return service;
  }

  /** The partitions `service` said last it owns. */
  partitionsOf(service: ServiceProcess): readonly number[] {
    return this.owners.get(service) ?? [];
  }

  /**
   * Whether the group has settled: every running orchestrator has said which partitions it owns since it
   * started, and what they say covers every partition exactly once. A kill of a settled group measures one
   * failover; a kill while the group still waits for an earlier victim's session to expire adds to it.
   */
  settled(): boolean {
    const claims = this.fleet.list().map((service) => this.owners.get(service));
    if (claims.some((claim) => claim === undefined)) return false;
    const owned = claims.flatMap((claim) => claim ?? []);
    return owned.length === this.options.partitions && new Set(owned).size === this.options.partitions;
  }

  async startResponder(): Promise<void> {
    const kafka =
      this.options.serviceBrokers === undefined
        ? this.kafka
        : new Kafka({
            brokers: this.options.serviceBrokers.split(','),
            clientId: `${this.ns.prefix}-responder`,
            logLevel: logLevel.NOTHING,
            retry: { initialRetryTime: 50, retries: 10 },
          });
    this.responder = new TaskResponder(
      kafka,
      this.codec,
      this.topics,
      this.options.random,
      this.options.duplicateRate,
    );
    await this.responder.start();
    const responder = this.responder;
    this.watcher.describeAlso = () => `; ${responder.describe()}`;
  }

  /** `traceWritten`: also read the transitions as written, aborted ones included (`written`; empty otherwise). */
  async readLogs(traceWritten = false): Promise<CommittedLogs> {
    const [commands, transitions, dlq] = await Promise.all([
      readTopicToEnd(this.kafka, this.topics.commands),
      readTopicToEnd(this.kafka, this.topics.transitions),
      readTopicToEnd(this.kafka, this.topics.dlq),
    ]);
    const uncommitted = traceWritten
      ? await readTopicToEnd(this.kafka, this.topics.transitions, { readUncommitted: true })
      : new Map<number, KafkaMessage[]>();
    return {
      commands: await this.decodeCommands(commands),
      records: await this.decodeRecords(transitions),
      deadLetters: [...dlq.values()].flat(),
      written: await this.describeWritten(uncommitted, transitions),
    };
  }

  private async describeWritten(
    uncommitted: Map<number, KafkaMessage[]>,
    committed: Map<number, KafkaMessage[]>,
  ): Promise<WrittenRecord[]> {
    const written: WrittenRecord[] = [];
    for (const [partition, list] of uncommitted) {
      const visible = new Set((committed.get(partition) ?? []).map((message) => message.offset));
      for (const message of list) {
        const envelope = (await this.codec.decode('transition', message.value)) as TransitionEnvelope;
        const record = fromChangelogEnvelope(envelope);
        if (record.kind === 'health') continue;
        const context = (message as KafkaMessage & BatchContextOf).batchContext;
        written.push({
          partition,
          offset: Number(message.offset),
          producer: context === undefined ? '?' : `${context.producerId}/${context.producerEpoch}`,
          inTransaction: context?.inTransaction ?? false,
          committed: visible.has(message.offset),
          kind: record.kind,
          correlationId: record.correlationId,
          commandId: record.commandId,
          seq: 'seq' in record ? record.seq : null,
        });
      }
    }
    return written;
  }

  async close(): Promise<void> {
    await this.fleet.stopAll();
    await Promise.allSettled([this.responder?.stop(), this.watcher.stop()]);
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(this.topics) }).finally(() => admin.disconnect());
    const keys = await this.redis.keys(`${this.ns.redisPrefix}:*`);
    if (keys.length > 0) await this.redis.del(...keys);
    await this.redis.quit();
  }

  private async decodeCommands(
    messages: Map<number, KafkaMessage[]>,
  ): Promise<Map<number, ConsumedCommand[]>> {
    const out = new Map<number, ConsumedCommand[]>();
    for (const [partition, list] of messages) {
      const decoded: ConsumedCommand[] = [];
      for (const message of list) {
        const envelope = await this.codec.decode('command', message.value).catch(() => undefined);
        const shape = envelope === undefined ? undefined : fromCommandEnvelope(envelope as CommandEnvelope);
        decoded.push({ offset: message.offset, command: shape?.ok ? shape.command : undefined });
      }
      out.set(partition, decoded);
    }
    return out;
  }

  private async decodeRecords(messages: Map<number, KafkaMessage[]>): Promise<Map<number, LogRecord[]>> {
    const out = new Map<number, LogRecord[]>();
    for (const [partition, list] of messages) {
      const records: LogRecord[] = [];
      for (const message of list) {
        const envelope = (await this.codec.decode('transition', message.value)) as TransitionEnvelope;
        // Health records are the partition's, not an instance's: the invariants are about instances.
        const record = fromChangelogEnvelope(envelope);
        if (record.kind !== 'health') records.push(record);
      }
      out.set(partition, records);
    }
    return out;
  }
}
