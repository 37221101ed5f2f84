// One transactional producer (one transactionalId) with the kafkajs workarounds: sendOffsets retried on
// CONCURRENT_TRANSACTIONS (kafkajs #430); after a failed abort the producer is rebuilt (kafkajs #1355, #1416).
import { setTimeout as delay } from 'node:timers/promises';
import type { Kafka, Message, Producer, RecordMetadata, TopicMessages, Transaction } from 'kafkajs';
import type { Logger } from '../logging/logger';
import { isConcurrentTransactions, isFenced } from './kafka-failure';
import { TransactionError } from './transaction-error';

export interface TransactionInput {
  readonly topicMessages: readonly TopicMessages[];
  readonly offsets: {
    readonly consumerGroupId: string;
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
  };
}

/** Bytes of records per produce request, well under the broker's default message.max.bytes (1 MiB). */
const MAX_REQUEST_BYTES = 512 * 1024;
const SEND_OFFSETS_ATTEMPTS = 10;
const SEND_OFFSETS_BACKOFF_MS = 20;

export class TransactionalProducer {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly transactionalId: string,
    private readonly logger: Logger,
  ) {}

  /** Connecting runs InitProducerId: it fences any older producer with this transactionalId and aborts its open transaction. */
  async connect(): Promise<void> {
    const producer = this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    this.producer = producer;
  }

  /**
   * Sends everything and the consumed offsets in one transaction; throws TransactionError when it did not
   * commit. The records go out in requests of bounded size, in order, so a large batch never exceeds the
   * broker's request limit; metadata has one entry per request and topic-partition.
   */
  async commit(input: TransactionInput): Promise<RecordMetadata[]> {
    const producer = this.producer;
    if (producer === undefined)
      throw new TransactionError(this.transactionalId, false, 'producer not connected');
    let transaction: Transaction | undefined;
    try {
      transaction = await producer.transaction();
      const metadata: RecordMetadata[] = [];
      for (const chunk of requestChunks(input.topicMessages)) {
        metadata.push(...(await transaction.sendBatch({ topicMessages: chunk })));
      }
      await this.sendOffsets(transaction, input);
      await transaction.commit();
      return metadata;
    } catch (error) {
      const fenced = isFenced(error);
      if (transaction !== undefined && !fenced) await this.abort(transaction, error);
      throw new TransactionError(this.transactionalId, fenced, error);
    }
  }

  private async sendOffsets(transaction: Transaction, input: TransactionInput): Promise<void> {
    const { consumerGroupId, topic, partition, offset } = input.offsets;
    const request = { consumerGroupId, topics: [{ topic, partitions: [{ partition, offset }] }] };
    for (let attempt = 1; ; attempt++) {
      try {
        await transaction.sendOffsets(request);
        return;
      } catch (error) {
        if (!isConcurrentTransactions(error) || attempt >= SEND_OFFSETS_ATTEMPTS) throw error;
        await delay(SEND_OFFSETS_BACKOFF_MS * attempt);
      }
    }
  }

  private async abort(transaction: Transaction, cause: unknown): Promise<void> {
    if (!transaction.isActive()) return;
    try {
      await transaction.abort();
    } catch (abortError) {
      this.logger.warn(
        { transactionalId: this.transactionalId, err: abortError, cause: String(cause) },
        'abort failed: rebuilding the transactional producer',
      );
      await this.rebuild();
    }
  }

  /** A producer whose abort failed is stuck; a new one with the same id aborts the open transaction on init. */
  private async rebuild(): Promise<void> {
    await this.disconnect();
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

const sizeOf = (message: Message): number => (message.value?.length ?? 0) + (message.key?.length ?? 0) + 64;

/** Splits the messages, in order, into groups of at most MAX_REQUEST_BYTES (a larger single message goes alone). */
export function* requestChunks(topicMessages: readonly TopicMessages[]): Generator<TopicMessages[]> {
  let chunk: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const size = sizeOf(message);
      if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      const last = chunk[chunk.length - 1];
      if (last?.topic === topic) last.messages.push(message);
      else chunk.push({ topic, messages: [message] });
      bytes += size;
    }
  }
  if (chunk.length > 0) yield chunk;
}
