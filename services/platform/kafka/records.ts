// The records statewright reads and writes, in its own terms: what the services see of Kafka. The kafkajs
// adapter (this folder) turns them into its client's types; another client would need only a new adapter.
export type RecordHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/** A record as consumed from one partition. */
export interface ConsumedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  /** Epoch ms, as text (the broker's or the producer's timestamp). */
  readonly timestamp: string;
  readonly headers?: RecordHeaders;
}

/** A record to produce; without `partition` it goes where its key's partitioner puts it. */
export interface ProducedRecord {
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
  readonly partition?: number;
  readonly timestamp?: string;
}
