// Reads <prefix>.transitions (read_committed) with a throwaway consumer group: `follow` until stopped, or
// `readToEnd` from the beginning up to the end offsets taken when it started.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { TransitionEnvelope } from '../../platform/codec/transition-envelope';
import { topicNames } from '../../platform/kafka/topic-names';
import { unavailable } from '../cli-error';
import { lineOf, type RecordedLine } from './transitions-file';

export interface SourceOptions {
  readonly brokers: string;
  readonly registryUrl: string;
  readonly prefix: string;
}

export class TransitionsSource {
  private readonly topic: string;

  private constructor(
    private readonly kafka: Kafka,
    private readonly codec: EnvelopeCodec,
    prefix: string,
  ) {
    this.topic = topicNames(prefix).transitions;
  }

  static async connect(options: SourceOptions): Promise<TransitionsSource> {
    const kafka = new Kafka({
      clientId: 'statewright-cli',
      brokers: options.brokers.split(',').map((broker) => broker.trim()),
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 100, retries: 3 },
    });
    try {
      const codec = await EnvelopeCodec.connect({
        registryUrl: options.registryUrl,
        topics: topicNames(options.prefix),
      });
      return new TransitionsSource(kafka, codec, options.prefix);
    } catch (error) {
      throw unavailable(`the schema registry at ${options.registryUrl} did not answer: ${String(error)}`);
    }
  }

  /** Calls `onLine` for every record until `stopped` resolves. */
  async follow(
    fromBeginning: boolean,
    onLine: (line: RecordedLine) => void,
    stopped: Promise<void>,
  ): Promise<void> {
    const { consumer, groupId } = this.consumer();
    try {
      await this.subscribe(consumer, fromBeginning, onLine);
      await stopped;
    } finally {
      await this.release(consumer, groupId);
    }
  }

  /** Every record from the beginning to the end offsets of the moment it starts, in topic order per partition. */
  async readToEnd(onLine: (line: RecordedLine) => void): Promise<void> {
    const ends = await this.endOffsets();
    const pending = new Set(
      [...ends].filter(([, end]) => end.high > end.low).map(([partition]) => partition),
    );
    if (pending.size === 0) return;
    const { consumer, groupId } = this.consumer();
    try {
      const finished = new Promise<void>((resolve) => {
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          // lastOffset counts transaction markers too, so the end is reached even when a commit marker ends the log.
          if (Number(payload.lastOffset) + 1 >= (ends.get(payload.partition)?.high ?? 0))
            pending.delete(payload.partition);
          if (pending.size === 0) resolve();
        });
      });
      const crashed = new Promise<never>((_, reject) => {
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      });
      const before = (line: RecordedLine) => {
        if (Number(line.offset) < (ends.get(line.partition ?? -1)?.high ?? 0)) onLine(line);
      };
      await this.subscribe(consumer, true, before);
      await Promise.race([finished, crashed]);
    } finally {
      await this.release(consumer, groupId);
    }
  }

  private consumer(): { consumer: Consumer; groupId: string } {
    const groupId = `statewright-cli-${randomUUID()}`;
    return { consumer: this.kafka.consumer({ groupId, readUncommitted: false }), groupId };
  }

  /**
   * Disconnects and deletes the throwaway group, so reading leaves nothing behind on the broker. The
   * deletion is best effort: a group that never committed an offset may already be gone
   * (GROUP_ID_NOT_FOUND), and an empty group expires on its own anyway.
   */
  private async release(consumer: Consumer, groupId: string): Promise<void> {
    await consumer.disconnect();
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // Nothing to undo: the read itself succeeded.
    } finally {
      await admin.disconnect();
    }
  }

  private async subscribe(consumer: Consumer, fromBeginning: boolean, onLine: (line: RecordedLine) => void) {
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning });
    } catch (error) {
      throw unavailable(`could not read ${this.topic}: ${String(error)}`, 'kafka-unavailable');
    }
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const envelope = (await this.codec.decode('transition', message.value)) as TransitionEnvelope;
        onLine(lineOf(partition, message.offset, envelope));
      },
    });
  }

  private async endOffsets(): Promise<Map<number, { low: number; high: number }>> {
    const admin: Admin = this.kafka.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
    } catch (error) {
      throw unavailable(`could not read the offsets of ${this.topic}: ${String(error)}`, 'kafka-unavailable');
    } finally {
      await admin.disconnect();
    }
  }
}
