// The consumer port: what statewright asks of a group consumer of the log, in its own terms and record types.
// The kafkajs adapter (kafkajs-consumer.ts) is its one implementation; services see only this.
import type { ConsumedRecord } from './records';

export interface ConsumerSettings {
  readonly groupId: string;
  /** False reads committed records only (read_committed): aborted transactions stay invisible. */
  readonly readUncommitted: boolean;
  readonly allowAutoTopicCreation?: boolean;
  /** How long a fetch waits for new records; also bounds how long a disconnect waits for an idle fetch. */
  readonly maxWaitTimeInMs?: number;
  readonly sessionTimeout?: number;
  readonly heartbeatInterval?: number;
}

/** The records fetched from one partition, in offset order. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly records: readonly ConsumedRecord[];
  /** Offset of the first record, or null for a batch that holds none. */
  firstOffset(): string | null;
  /** Offset of the last record fetched, control records (transaction markers) included. */
  lastOffset(): string;
}

/** What a batch handler may do while it holds its batch. */
export interface BatchContext {
  readonly batch: ConsumedBatch;
  /** Marks `offset` done: the next commit of this partition starts after it. */
  resolveOffset(offset: string): void;
  /** Keeps the consumer's group session alive during long work. */
  heartbeat(): Promise<void>;
  /** Stops fetching this batch's partition. */
  pause(): void;
  /** Commits `offset` (the next to read) of this batch's partition, also while the consumer is stopping. */
  commitOffset(offset: string): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /** True once a seek or rebalance made this batch's records out of date. */
  isStale(): boolean;
}

export interface BatchRun {
  readonly autoCommit?: boolean;
  /** False: only offsets passed to resolveOffset count as done. */
  readonly eachBatchAutoResolve?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  readonly eachBatch: (context: BatchContext) => Promise<void>;
}

export interface RecordRun {
  readonly autoCommit?: boolean;
  readonly eachRecord: (delivery: {
    readonly topic: string;
    readonly partition: number;
    readonly record: ConsumedRecord;
  }) => Promise<void>;
}

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

export interface LogConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { readonly topic: string; readonly fromBeginning: boolean }): Promise<void>;
  /** Starts consuming; resolves once the consumer runs (not when it stops). */
  run(run: BatchRun | RecordRun): Promise<void>;
  seek(position: { readonly topic: string; readonly partition: number; readonly offset: string }): void;
  /** The partitions per topic this member got, after every join of its group. */
  onGroupJoin(listener: (assigned: Readonly<Record<string, readonly number[]>>) => void): Unsubscribe;
  /** After each batch was handled; `lastOffset` counts control records, so a log's end is always reached. */
  onBatchEnd(
    listener: (end: {
      readonly topic: string;
      readonly partition: number;
      readonly lastOffset: string;
    }) => void,
  ): Unsubscribe;
  /** The consumer failed; with `restart` it starts again by itself. */
  onCrash(listener: (crash: { readonly error: Error; readonly restart: boolean }) => void): Unsubscribe;
  onStop(listener: () => void): Unsubscribe;
}
