// The TransactionalSink port over one confluent (librdkafka) transactional producer. Connecting runs
// InitProducerId, so it fences older producers of the same id as the kafkajs sink does. librdkafka's
// sendOffsetsToTransaction takes the consumer itself (KIP-447): the offset's group names which one.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from '../../logging/logger';
import type { ConsumedOffset, TopicRecords, TransactionalSink, WrittenRange } from '../log-producer';
import { TransactionError } from '../transaction-error';
import { isFenced } from './confluent-failure';

/** The running consumer of a group, whose group metadata a transaction's offsets go with. */
export type GroupConsumers = (groupId: string) => KafkaJS.Consumer | undefined;

export class ConfluentTransactionalProducer implements TransactionalSink {
  private producer: KafkaJS.Producer | undefined;

  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly consumers: GroupConsumers,
    readonly transactionalId: string,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    const producer = this.kafka.producer({
      kafkaJS: {
        transactionalId: this.transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        acks: -1,
      },
    });
    await producer.connect();
    this.producer = producer;
  }

  /** Sends everything and the consumed offset in one transaction; throws TransactionError when it did not commit. */
  async commit(records: readonly TopicRecords[], offset?: ConsumedOffset): Promise<WrittenRange[]> {
    const producer = this.producer;
    if (producer === undefined)
      throw new TransactionError(this.transactionalId, false, 'producer not connected');
    let open = false;
    try {
      await producer.transaction();
      open = true;
      const topicMessages = records
        .filter((entry) => entry.records.length > 0)
        .map(({ topic, records }) => ({ topic, messages: [...records] }));
      const written: WrittenRange[] = [];
      if (topicMessages.length > 0) {
        for (const entry of await producer.sendBatch({ topicMessages })) {
          if (entry.baseOffset === undefined) continue;
          written.push({ topic: entry.topicName, partition: entry.partition, baseOffset: entry.baseOffset });
        }
      }
      if (offset !== undefined) await this.sendOffsets(producer, offset);
      await producer.commit();
      return written;
    } catch (error) {
      // A fenced producer purges what it queued: the send fails with ERR__PURGE_QUEUE, and the fencing shows
      // only in the abort that follows.
      const fenced = isFenced(error) || (open && (await this.abort(producer, error)));
      throw new TransactionError(this.transactionalId, fenced, error);
    }
  }

  private async sendOffsets(producer: KafkaJS.Producer, consumed: ConsumedOffset): Promise<void> {
    const { consumerGroupId, topic, partition, offset } = consumed;
    const consumer = this.consumers(consumerGroupId);
    if (consumer === undefined) throw new Error(`no running consumer of group ${consumerGroupId}`);
    await producer.sendOffsets({ consumer, topics: [{ topic, partitions: [{ partition, offset }] }] });
  }

  /** Aborts the open transaction; true when the abort shows that this producer was fenced (nothing to rebuild). */
  private async abort(producer: KafkaJS.Producer, cause: unknown): Promise<boolean> {
    try {
      if (producer.isActive()) await producer.abort();
      return false;
    } catch (abortError) {
      if (isFenced(abortError)) return true;
      this.logger.warn(
        { transactionalId: this.transactionalId, err: abortError, cause: String(cause) },
        'abort failed: rebuilding the transactional producer',
      );
    }
    await this.rebuild();
    return false;
  }

  /** A producer whose abort failed is stuck; a new one with the same id aborts on init. */
  private async rebuild(): Promise<void> {
    await this.disconnect().catch((error: unknown) =>
      this.logger.warn(
        { transactionalId: this.transactionalId, err: error },
        'disconnect before rebuild failed',
      ),
    );
    try {
      await this.connect();
    } catch (error) {
      // Left disconnected: the next commit fails fast and the owner restores the partition with a new producer.
      this.logger.error({ transactionalId: this.transactionalId, err: error }, 'producer rebuild failed');
    }
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await producer.disconnect();
  }
}
