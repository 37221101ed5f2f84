// The TransactionalSink port over one kafkajs transactional producer (one transactionalId), with the kafkajs
// workarounds: sendOffsets retried on CONCURRENT_TRANSACTIONS (kafkajs #430) and while the group's coordinator moves
// or loads (kafkajs' own retry of TxnOffsetCommit, from kafkajs #388, never matches its errors); after a failed
// abort the producer is rebuilt (kafkajs #1355, #1416); a transaction still unfinished when the broker's transaction
// timeout has passed fails, and its producer is abandoned: kafkajs can leave such a transaction waiting for ever
// (seen after broker failovers), and the broker aborts a transaction older than its timeout anyway.
import type { Kafka, Producer, Transaction } from 'kafkajs';
import type { Logger } from '../logging/logger';
import { keyPartitioner } from './command-partition';
import {
  isConcurrentTransactions,
  isFenced,
  isGroupCoordinatorChanging,
  retryingWhile,
} from './kafka-failure';
import type { ConsumedOffset, TopicRecords, TransactionalSink, WrittenRange } from './log-producer';
import type { ProducedRecord } from './records';
import { TransactionError } from './transaction-error';

/** Bytes of records per produce request, well under the broker's default message.max.bytes (1 MiB). */
const MAX_REQUEST_BYTES = 512 * 1024;
/** How often a transaction's offsets are sent before it fails, and the pause after each try (linear, capped). */
export interface OffsetsRetry {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}
/** About 3 s in all: a new cluster took up to 0.4 s to take up its group coordinators on a 2-core machine. */
const SEND_OFFSETS_RETRY: OffsetsRetry = { attempts: 20, backoffMs: 20, maxBackoffMs: 200 };
/** kafkajs' default: how long the broker lets a transaction stay open before it aborts it. */
const TRANSACTION_TIMEOUT_MS = 60_000;
/** Past the broker's timeout, for the commit's own answer to come back. */
const DEADLINE_MARGIN_MS = 5_000;

export interface TransactionalProducerOptions {
  /** The producer's transaction timeout; a commit unfinished this long (plus a margin) after it began fails. */
  readonly transactionTimeoutMs?: number;
}

export class TransactionalProducer implements TransactionalSink {
  private producer: Producer | undefined;
  private readonly transactionTimeoutMs: number;

  constructor(
    private readonly kafka: Kafka,
    readonly transactionalId: string,
    private readonly logger: Logger,
    options: TransactionalProducerOptions = {},
  ) {
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? TRANSACTION_TIMEOUT_MS;
  }

  /** Connecting runs InitProducerId: it fences any older producer with this transactionalId and aborts its open transaction. */
  async connect(): Promise<void> {
    const producer = this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      transactionTimeout: this.transactionTimeoutMs,
      createPartitioner: keyPartitioner,
    });
    await producer.connect();
    // kafkajs runs the transactional InitProducerId lazily, at the first transaction: begin and end an empty one
    // now, so the fencing happens before the caller reads what the older producer may have written.
    try {
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect();
      throw error;
    }
    this.producer = producer;
  }

  /**
   * Sends everything and the consumed offsets (when given) in one transaction; throws TransactionError when it did not
   * commit. The records go out in requests of bounded size, in order, so a large batch never exceeds the
   * broker's request limit; metadata has one entry per request and topic-partition.
   */
  async commit(records: readonly TopicRecords[], offset?: ConsumedOffset): Promise<WrittenRange[]> {
    const producer = this.producer;
    if (producer === undefined)
      throw new TransactionError(this.transactionalId, false, 'producer not connected');
    const deadlineMs = this.transactionTimeoutMs + DEADLINE_MARGIN_MS;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), deadlineMs);
    });
    try {
      const outcome = await Promise.race([this.transact(producer, records, offset), expired]);
      if (outcome !== 'expired') return outcome;
    } finally {
      clearTimeout(timer);
    }
    this.abandon(producer);
    throw new TransactionError(
      this.transactionalId,
      false,
      `the transaction did not finish within ${deadlineMs} ms: its producer is abandoned`,
    );
  }

  private async transact(
    producer: Producer,
    records: readonly TopicRecords[],
    offset: ConsumedOffset | undefined,
  ): Promise<WrittenRange[]> {
    let transaction: Transaction | undefined;
    try {
      transaction = await producer.transaction();
      const written: WrittenRange[] = [];
      for (const chunk of requestChunks(records)) {
        const topicMessages = chunk.map(({ topic, records }) => ({ topic, messages: [...records] }));
        for (const entry of await transaction.sendBatch({ topicMessages })) {
          if (entry.baseOffset === undefined) continue;
          written.push({ topic: entry.topicName, partition: entry.partition, baseOffset: entry.baseOffset });
        }
      }
      if (offset !== undefined) await this.sendOffsets(transaction, offset);
      await transaction.commit();
      return written;
    } catch (error) {
      const fenced = isFenced(error);
      // An abandoned producer's transaction is left to the broker's timeout and the next producer's fencing.
      if (transaction !== undefined && !fenced && this.producer === producer)
        await this.abort(transaction, error);
      throw new TransactionError(this.transactionalId, fenced, error);
    }
  }

  /**
   * Drops a producer whose transaction outlived its deadline. Its disconnect is not awaited (it may wait on the same
   * stuck requests); the owner of the partition starts a new producer, whose InitProducerId fences this one.
   */
  private abandon(producer: Producer): void {
    if (this.producer === producer) this.producer = undefined;
    this.logger.warn(
      { transactionalId: this.transactionalId },
      'transaction past its deadline: producer abandoned',
    );
    producer.disconnect().catch(() => undefined);
  }

  private async sendOffsets(transaction: Transaction, consumed: ConsumedOffset): Promise<void> {
    const { consumerGroupId, topic, partition, offset } = consumed;
    await sendOffsetsRetrying(transaction, {
      consumerGroupId,
      topics: [{ topic, partitions: [{ partition, offset }] }],
    });
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

type OffsetsRequest = Parameters<Transaction['sendOffsets']>[0];

/**
 * `transaction.sendOffsets(request)`, tried again while the previous transaction's markers are written or the group's
 * coordinator moves or loads. Each try adds the offsets to the transaction again (the broker takes that more than
 * once) and finds the group's coordinator again: the one that failed is not kept (kafkajs-coordinator-cache.ts).
 */
export async function sendOffsetsRetrying(
  transaction: Pick<Transaction, 'sendOffsets'>,
  request: OffsetsRequest,
  retry: OffsetsRetry = SEND_OFFSETS_RETRY,
): Promise<void> {
  await retryingWhile(
    (error) => isConcurrentTransactions(error) || isGroupCoordinatorChanging(error),
    retry.attempts,
    (attempt) => Math.min(retry.backoffMs * attempt, retry.maxBackoffMs),
    () => transaction.sendOffsets(request),
  );
}

const sizeOf = (record: ProducedRecord): number =>
  (record.value?.length ?? 0) + (record.key?.length ?? 0) + 64;

/** The records of one topic within one request. */
interface ChunkEntry {
  readonly topic: string;
  readonly records: ProducedRecord[];
}

/** Splits the records, in order, into groups of at most MAX_REQUEST_BYTES (a larger single record goes alone). */
export function* requestChunks(topicRecords: readonly TopicRecords[]): Generator<ChunkEntry[]> {
  let chunk: ChunkEntry[] = [];
  let bytes = 0;
  for (const { topic, records } of topicRecords) {
    for (const record of records) {
      const size = sizeOf(record);
      if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      const last = chunk[chunk.length - 1];
      if (last?.topic === topic) last.records.push(record);
      else chunk.push({ topic, records: [record] });
      bytes += size;
    }
  }
  if (chunk.length > 0) yield chunk;
}
