// An in-memory table of a compacted topic (the keys topic, the workflow settings topic): read from the beginning
// (read_committed, with a throwaway group that commits nothing), ready once it reaches the end offsets taken
// at start, then following. The last value per record key wins; `decode` says what a tombstone means.
import { randomUUID } from 'node:crypto';
import { RetriableError } from '../../core';
import type { Logger } from '../logging/logger';
import type { LogClient } from './log-client';
import type { LogConsumer } from './log-consumer';
import type { ConsumedRecord } from './records';

/** The table could not start: the broker or the topic may come back, and a new start can succeed. */
export class TopicTableError extends RetriableError {
  readonly code: string = 'topic-table-unavailable';

  constructor(
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TopicTableOptions<T> {
  readonly log: LogClient;
  readonly topic: string;
  readonly logger: Logger;
  /** The throwaway group's id is this plus a random suffix. */
  readonly groupIdPrefix?: string;
  /** How long a fetch waits for new records; also bounds how long `stop` takes. */
  readonly maxWaitTimeInMs?: number;
  /**
   * The record's key and value; a throw (or rejection) marks it invalid, and it is skipped (the previous value
   * stays). Records are applied one after another, so an asynchronous decode (a registry look-up) keeps the order.
   */
  readonly decode: (record: ConsumedRecord) => Decoded<T> | Promise<Decoded<T>>;
  /** What the table holds, for log lines: `keys`, `settings`. */
  readonly what: string;
}

type Decoded<T> = { readonly key: string; readonly value: T };
type Waiter<T> = (entry: T | undefined) => void;

export class TopicTable<T> {
  private readonly table = new Map<string, T>();
  /** Last offset applied per partition: a re-read from the beginning (after a rebalance) changes nothing. */
  private readonly applied = new Map<number, number>();
  private readonly waiters = new Map<string, Set<Waiter<T>>>();
  private readonly readiness: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: Error) => void };
  private caughtUp = false;
  private stopped = false;

  private constructor(
    private readonly options: TopicTableOptions<T>,
    private readonly consumer: LogConsumer,
    /** The throwaway group, deleted again by `stop`. */
    readonly groupId: string,
    private readonly pending: Set<number>,
    private readonly ends: ReadonlyMap<number, number>,
  ) {
    this.readiness = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Callers that never await ready() must not see an unhandled rejection; those that do still get it.
    this.readiness.catch(() => undefined);
  }

  /** Starts reading; throws TopicTableError when the topic's offsets cannot be read or the consumer cannot join. */
  static async start<T>(options: TopicTableOptions<T>): Promise<TopicTable<T>> {
    const ends = await endOffsets(options.log, options.topic);
    const pending = new Set(
      [...ends].filter(([, end]) => end.high > end.low).map(([partition]) => partition),
    );
    const groupId = `${options.groupIdPrefix ?? `statewright-${options.what}`}-${randomUUID()}`;
    const consumer = options.log.consumer({
      groupId,
      readUncommitted: false,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
    });
    const highs = new Map([...ends].map(([partition, end]) => [partition, end.high]));
    const table = new TopicTable<T>(options, consumer, groupId, pending, highs);
    await table.run();
    return table;
  }

  /** Resolves once everything the topic held at start has been read; rejects if the consumer fails before that. */
  ready(): Promise<void> {
    return this.readiness;
  }

  get isReady(): boolean {
    return this.caughtUp;
  }

  get size(): number {
    return this.table.size;
  }

  lookup(key: string): T | undefined {
    return this.table.get(key);
  }

  entries(): IterableIterator<[string, T]> {
    return this.table.entries();
  }

  /** The value as soon as one is known, or undefined after `timeoutMs` (or when the table stops). */
  waitFor(correlationId: string, timeoutMs: number): Promise<T | undefined> {
    const known = this.table.get(correlationId);
    if (known !== undefined || this.stopped) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(correlationId) ?? new Set<Waiter<T>>();
      const done: Waiter<T> = (entry) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.waiters.delete(correlationId);
        resolve(entry);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      waiters.add(done);
      this.waiters.set(correlationId, waiters);
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const waiters of [...this.waiters.values()]) for (const done of [...waiters]) done(undefined);
    this.settle.reject(
      new TopicTableError(this.options.topic, `the table of ${this.options.topic} was stopped`),
    );
    await this.consumer.disconnect();
    await this.deleteGroup();
  }

  private async run(): Promise<void> {
    const { topic, logger } = this.options;
    this.consumer.onBatchEnd((end) => {
      // lastOffset covers transaction markers and aborted records, so a log ending in a marker is reached too.
      if (end.topic === topic) this.reached(end.partition, Number(end.lastOffset));
    });
    this.consumer.onCrash(({ error, restart }) => {
      logger.error({ err: error, topic, restart }, 'topic table consumer crashed');
      if (!restart)
        this.settle.reject(new TopicTableError(topic, `reading ${topic} failed`, { cause: error }));
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topic, fromBeginning: true });
      await this.consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const record of batch.records) await this.apply(batch.partition, record);
        },
      });
    } catch (error) {
      await this.consumer.disconnect();
      throw new TopicTableError(topic, `could not start reading ${topic}`, { cause: error });
    }
    this.checkCaughtUp();
  }

  private async apply(partition: number, record: ConsumedRecord): Promise<void> {
    const offset = Number(record.offset);
    if (offset <= (this.applied.get(partition) ?? -1)) return;
    this.applied.set(partition, offset);
    let decoded: Decoded<T>;
    try {
      decoded = await this.options.decode(record);
    } catch (error) {
      // The previous value stays: skipping cannot, for example, turn an erasure back into a key.
      this.options.logger.warn(
        { err: error, topic: this.options.topic, partition, offset },
        `skipped an invalid ${this.options.what} record`,
      );
      return;
    }
    this.table.set(decoded.key, decoded.value);
    for (const done of [...(this.waiters.get(decoded.key) ?? [])]) done(decoded.value);
  }

  private reached(partition: number, lastOffset: number): void {
    if (lastOffset + 1 >= (this.ends.get(partition) ?? 0)) this.pending.delete(partition);
    this.checkCaughtUp();
  }

  private checkCaughtUp(): void {
    if (this.caughtUp || this.pending.size > 0) return;
    this.caughtUp = true;
    const { topic, what } = this.options;
    this.options.logger.info({ topic, [what]: this.table.size }, `${what} table caught up`);
    this.settle.resolve();
  }

  /** Best effort: a group that never committed may already be gone, and an empty group expires by itself. */
  private async deleteGroup(): Promise<void> {
    const admin = this.options.log.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      this.options.logger.debug({ err: error, groupId: this.groupId }, 'topic table group not deleted');
    } finally {
      await admin.disconnect();
    }
  }
}

async function endOffsets(
  log: LogClient,
  topic: string,
): Promise<Map<number, { low: number; high: number }>> {
  const admin = log.admin();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  } catch (error) {
    throw new TopicTableError(topic, `could not read the end offsets of ${topic}`, { cause: error });
  } finally {
    await admin.disconnect();
  }
}
