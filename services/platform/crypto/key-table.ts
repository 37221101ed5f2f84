// An in-memory table of `<prefix>.keys`, the durable home of wrapped data keys: read from the beginning
// (read_committed, with a throwaway group that commits nothing), ready once it reaches the end offsets taken
// at start, then following. Tombstones stay in the table as `erased`, so an erasure is never forgotten.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../logging/logger';
import { KeysRecordError, KeyTableError } from './crypto-error';
import { decodeKeysMessage, type KeysEntry } from './keys-topic';

/** What DataKeys needs of the table; KeyTable is the real one. */
export interface KeyLookup {
  lookup(correlationId: string): KeysEntry | undefined;
}

export interface KeyTableOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly logger: Logger;
  /** The throwaway group's id is this plus a random suffix. */
  readonly groupIdPrefix?: string;
  /** How long a fetch waits for new records; also bounds how long `stop` takes. */
  readonly maxWaitTimeInMs?: number;
}

type Waiter = (entry: KeysEntry | undefined) => void;

export class KeyTable implements KeyLookup {
  private readonly table = new Map<string, KeysEntry>();
  /** Last offset applied per partition: a re-read from the beginning (after a rebalance) changes nothing. */
  private readonly applied = new Map<number, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly readiness: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: Error) => void };
  private caughtUp = false;
  private stopped = false;

  private constructor(
    private readonly options: KeyTableOptions,
    private readonly consumer: Consumer,
    /** The throwaway group, deleted again by `stop`. */
    readonly groupId: string,
    private readonly pending: Set<number>,
    private readonly ends: ReadonlyMap<number, number>,
  ) {
    this.readiness = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Callers that never await ready() must not see an unhandled rejection; those that do still get it.
    this.readiness.catch(() => undefined);
  }

  /** Starts reading; throws KeyTableError when the topic's offsets cannot be read or the consumer cannot join. */
  static async start(options: KeyTableOptions): Promise<KeyTable> {
    const ends = await endOffsets(options.kafka, options.topic);
    const pending = new Set(
      [...ends].filter(([, end]) => end.high > end.low).map(([partition]) => partition),
    );
    const groupId = `${options.groupIdPrefix ?? 'statewright-keys'}-${randomUUID()}`;
    const consumer = options.kafka.consumer({
      groupId,
      readUncommitted: false,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
    });
    const highs = new Map([...ends].map(([partition, end]) => [partition, end.high]));
    const table = new KeyTable(options, consumer, groupId, pending, highs);
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

  lookup(correlationId: string): KeysEntry | undefined {
    return this.table.get(correlationId);
  }

  /** Every instance's entry, for rotation: rewrap those whose `kekId` is not the current one. */
  entries(): IterableIterator<[string, KeysEntry]> {
    return this.table.entries();
  }

  /** The entry as soon as one is known, or undefined after `timeoutMs` (or when the table stops). */
  waitFor(correlationId: string, timeoutMs: number): Promise<KeysEntry | undefined> {
    const known = this.table.get(correlationId);
    if (known !== undefined || this.stopped) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(correlationId) ?? new Set<Waiter>();
      const done: Waiter = (entry) => {
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
      new KeyTableError(this.options.topic, `the table of ${this.options.topic} was stopped`),
    );
    await this.consumer.disconnect();
    await this.deleteGroup();
  }

  private async run(): Promise<void> {
    const { topic, logger } = this.options;
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // lastOffset covers transaction markers and aborted records, so a log ending in a marker is reached too.
      if (payload.topic === topic) this.reached(payload.partition, Number(payload.lastOffset));
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      logger.error({ err: payload.error, topic, restart: payload.restart }, 'keys table consumer crashed');
      if (!payload.restart)
        this.settle.reject(new KeyTableError(topic, `reading ${topic} failed`, { cause: payload.error }));
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topic, fromBeginning: true });
      await this.consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) this.apply(batch.partition, message);
        },
      });
    } catch (error) {
      await this.consumer.disconnect();
      throw new KeyTableError(topic, `could not start reading ${topic}`, { cause: error });
    }
    this.checkCaughtUp();
  }

  private apply(partition: number, message: KafkaMessage): void {
    const offset = Number(message.offset);
    if (offset <= (this.applied.get(partition) ?? -1)) return;
    this.applied.set(partition, offset);
    let decoded: ReturnType<typeof decodeKeysMessage>;
    try {
      decoded = decodeKeysMessage(message);
    } catch (error) {
      if (!(error instanceof KeysRecordError)) throw error;
      // The previous entry of that instance stays: skipping cannot turn an erasure back into a key.
      this.options.logger.warn(
        { err: error, topic: this.options.topic, partition, offset },
        'skipped an invalid keys record',
      );
      return;
    }
    this.table.set(decoded.correlationId, decoded.entry);
    for (const done of [...(this.waiters.get(decoded.correlationId) ?? [])]) done(decoded.entry);
  }

  private reached(partition: number, lastOffset: number): void {
    if (lastOffset + 1 >= (this.ends.get(partition) ?? 0)) this.pending.delete(partition);
    this.checkCaughtUp();
  }

  private checkCaughtUp(): void {
    if (this.caughtUp || this.pending.size > 0) return;
    this.caughtUp = true;
    this.options.logger.info({ topic: this.options.topic, keys: this.table.size }, 'keys table caught up');
    this.settle.resolve();
  }

  /** Best effort: a group that never committed may already be gone, and an empty group expires by itself. */
  private async deleteGroup(): Promise<void> {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      this.options.logger.debug({ err: error, groupId: this.groupId }, 'keys table group not deleted');
    } finally {
      await admin.disconnect();
    }
  }
}

async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, { low: number; high: number }>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  } catch (error) {
    throw new KeyTableError(topic, `could not read the end offsets of ${topic}`, { cause: error });
  } finally {
    await admin.disconnect();
  }
}
