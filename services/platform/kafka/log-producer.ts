// The producer ports: plain sends, and the transactional sink that writes a batch's outputs and its consumed
// offset atomically. In statewright's own terms; the kafkajs adapter implements both.
import type { ProducedRecord } from './records';

export interface ProducerSettings {
  /** Producer retries never duplicate a record. */
  readonly idempotent: boolean;
  readonly maxInFlightRequests?: number;
  readonly allowAutoTopicCreation?: boolean;
  /** Keyed records go to their key's owner partition (commandPartition) rather than the client's default. */
  readonly ownerPartitioning?: boolean;
}

export interface LogProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Connected and not disconnected since. */
  isConnected(): boolean;
  /** Resolves once every in-sync replica has the records (acks = all). */
  send(topic: string, records: readonly ProducedRecord[]): Promise<void>;
}

/** The records of one topic, in the order they are written. */
export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly ProducedRecord[];
}

/** The consumed position a transaction commits: `offset` is the next record to read. */
export interface ConsumedOffset {
  readonly consumerGroupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Where a transaction's records landed: one entry per request and topic-partition. */
export interface WrittenRange {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: string;
}

/**
 * One transactional writer (one transactional id). `connect` fences any older writer with the same id;
 * `commit` writes everything and the consumed offset (a writer that consumes nothing gives none) in one
 * transaction, or throws TransactionError.
 */
export interface TransactionalSink {
  readonly transactionalId: string;
  connect(): Promise<void>;
  commit(records: readonly TopicRecords[], offset?: ConsumedOffset): Promise<WrittenRange[]>;
  disconnect(): Promise<void>;
}
