// Reads one topic of a deployment (read_committed) with a throwaway consumer group: `follow` until stopped, or
// `readToEnd` from the beginning up to the end offsets taken when it started. The transitions and the dead
// letters are read this way. The client is built from the
// same settings the services read (TLS and SASL included), so the CLI reaches every stack they reach.
import { randomUUID } from 'node:crypto';
import type { KafkaSettings } from '../../platform/config/connection-settings';
import { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { DeadLetterEnvelope } from '../../platform/codec/dead-letter-envelope';
import { createKafka } from '../../platform/kafka/kafka-client';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { LogConsumer } from '../../platform/kafka/log-consumer';
import { topicNames, type TopicNames } from '../../platform/kafka/topic-names';
import type { ConsumedRecord } from '../../platform/kafka/records';
import { createLogger } from '../../platform/logging/logger';
import { type CliError, unavailable, usageError } from '../cli-error';
import { lineOf, type RecordedLine } from './transitions-file';

/** Where the CLI reads and writes: the services' Kafka settings, the schema registry and the topic prefix. */
export interface KafkaConnection {
  readonly kafka: KafkaSettings;
  readonly registryUrl: string;
  readonly prefix: string;
}

/**
 * The services' Kafka client, silent: the CLI's stdout carries its answer, and a failure reaches the user as
 * one error line naming how it connected. Throws a usage error when KAFKA_TLS_CA_FILE cannot be read.
 */
export function cliKafka(settings: KafkaSettings): LogClient {
  try {
    return createKafka(settings, createLogger('silent', 'statewright-cli'));
  } catch (error) {
    if (settings.tlsCaFile === undefined) throw error;
    throw usageError(
      `KAFKA_TLS_CA_FILE ${settings.tlsCaFile} cannot be read: ${String(error)}`,
      'unreadable-file',
    );
  }
}

/**
 * A Kafka failure, with the brokers and the security the client used: a broker that expects TLS or SASL only
 * closes the connection of a client without them, so the settings to check must be named here.
 */
export function kafkaUnavailable(what: string, settings: KafkaSettings, error: unknown): CliError {
  const security = [
    settings.tls ? 'TLS' : 'no TLS',
    settings.sasl === undefined ? 'no SASL' : `SASL ${settings.sasl.mechanism} as ${settings.sasl.username}`,
  ].join(', ');
  return unavailable(
    `${what} at ${settings.brokers.join(',')} (${security}): ${causes(error)}; ` +
      'check KAFKA_BROKERS, KAFKA_TLS, KAFKA_TLS_CA_FILE and KAFKA_SASL_MECHANISM/_USERNAME/_PASSWORD',
    'kafka-unavailable',
  );
}

/** The error and what caused it, outermost first: wrappers such as KeyTableError hide the broker's answer. */
function causes(error: unknown): string {
  const seen = new Set<string>();
  const described: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    const message = current instanceof Error ? current.message : String(current);
    if (!seen.has(message)) described.push(String(current));
    seen.add(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return described.join(' ← ');
}

/** A dead letter with where it sits in the DLQ (partition/offset: how `statewright dlq` names it). */
export interface DeadLetterAt {
  readonly at: string;
  readonly letter: DeadLetterEnvelope;
}

/** Null for a record that is not one of the source's: it is passed over. */
type Decode<T> = (codec: EnvelopeCodec, partition: number, message: ConsumedRecord) => Promise<T | null>;

export class TopicSource<T> {
  private constructor(
    private readonly log: LogClient,
    private readonly settings: KafkaSettings,
    readonly codec: EnvelopeCodec,
    readonly topics: TopicNames,
    private readonly topic: string,
    private readonly decode: Decode<T>,
  ) {}

  /** Every record of the transitions topic, as the lines of the recorded transitions format. */
  static transitions(options: KafkaConnection): Promise<TopicSource<RecordedLine>> {
    return TopicSource.connect(
      options,
      (topics) => topics.transitions,
      async (codec, partition, message) => {
        const envelope = await codec.decode('transition', message.value);
        // A partition's health record belongs to no instance: recordings hold instance records only.
        return envelope.kind === 'health' ? null : lineOf(partition, message.offset, envelope);
      },
    );
  }

  /** Every dead letter, with its position in the DLQ. */
  static deadLetters(options: KafkaConnection): Promise<TopicSource<DeadLetterAt>> {
    return TopicSource.connect(
      options,
      (topics) => topics.dlq,
      async (codec, partition, message) => ({
        at: `${partition}/${message.offset}`,
        letter: await codec.decode('dead-letter', message.value),
      }),
    );
  }

  private static async connect<T>(
    options: KafkaConnection,
    topicOf: (topics: TopicNames) => string,
    decode: Decode<T>,
  ): Promise<TopicSource<T>> {
    const log = cliKafka(options.kafka);
    const topics = topicNames(options.prefix);
    try {
      const codec = await EnvelopeCodec.connect({ registryUrl: options.registryUrl, topics });
      return new TopicSource(log, options.kafka, codec, topics, topicOf(topics), decode);
    } catch (error) {
      throw unavailable(`the schema registry at ${options.registryUrl} did not answer: ${String(error)}`);
    }
  }

  /** The Kafka client this source reads with, for writing back (dlq replay). */
  client(): LogClient {
    return this.log;
  }

  /** Calls `onLine` for every record until `stopped` resolves. */
  async follow(fromBeginning: boolean, onLine: (value: T) => void, stopped: Promise<void>): Promise<void> {
    const { consumer, groupId } = this.consumer();
    try {
      await this.subscribe(consumer, fromBeginning, onLine);
      await stopped;
    } finally {
      await this.release(consumer, groupId);
    }
  }

  /** Every record from the beginning to the end offsets of the moment it starts, in topic order per partition. */
  async readToEnd(onLine: (value: T) => void): Promise<void> {
    const ends = await this.endOffsets();
    const pending = new Set(
      [...ends].filter(([, end]) => end.high > end.low).map(([partition]) => partition),
    );
    if (pending.size === 0) return;
    const { consumer, groupId } = this.consumer();
    try {
      const finished = new Promise<void>((resolve) => {
        consumer.onBatchEnd((end) => {
          // lastOffset counts transaction markers too, so the end is reached even when a commit marker ends the log.
          if (Number(end.lastOffset) + 1 >= (ends.get(end.partition)?.high ?? 0))
            pending.delete(end.partition);
          if (pending.size === 0) resolve();
        });
      });
      const crashed = new Promise<never>((_, reject) => {
        consumer.onCrash(({ error }) => reject(error));
      });
      const before = (partition: number, offset: string) => Number(offset) < (ends.get(partition)?.high ?? 0);
      await this.subscribe(consumer, true, onLine, before);
      await Promise.race([finished, crashed]);
    } finally {
      await this.release(consumer, groupId);
    }
  }

  private consumer(): { consumer: LogConsumer; groupId: string } {
    const groupId = `statewright-cli-${randomUUID()}`;
    return { consumer: this.log.consumer({ groupId, readUncommitted: false }), groupId };
  }

  /**
   * Disconnects and deletes the throwaway group, so reading leaves nothing behind on the broker. The
   * deletion is best effort: a group that never committed an offset may already be gone
   * (GROUP_ID_NOT_FOUND), and an empty group expires on its own anyway.
   */
  private async release(consumer: LogConsumer, groupId: string): Promise<void> {
    await consumer.disconnect();
    const admin = this.log.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // Nothing to undo: the read itself succeeded.
    } finally {
      await admin.disconnect();
    }
  }

  private async subscribe(
    consumer: LogConsumer,
    fromBeginning: boolean,
    onLine: (value: T) => void,
    wanted: (partition: number, offset: string) => boolean = () => true,
  ) {
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning });
    } catch (error) {
      throw kafkaUnavailable(`could not read ${this.topic}`, this.settings, error);
    }
    await consumer.run({
      autoCommit: false,
      eachRecord: async ({ partition, record }) => {
        if (!wanted(partition, record.offset)) return;
        const line = await this.decode(this.codec, partition, record);
        if (line !== null) onLine(line);
      },
    });
  }

  private async endOffsets(): Promise<Map<number, { low: number; high: number }>> {
    const admin: LogAdmin = this.log.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
    } catch (error) {
      throw kafkaUnavailable(`could not read the offsets of ${this.topic}`, this.settings, error);
    } finally {
      await admin.disconnect();
    }
  }
}
