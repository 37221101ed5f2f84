// Consumes <prefix>.transitions (read_committed, its own group) and folds every record into the read model.
// Records that cannot be folded are logged and counted, never retried for ever: the log stays the truth.
import { ReplayError, type LogRecord } from '../../core';
import { UndecodableError, UnknownSchemaError } from '../../platform/codec/codec-error';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { fromTransitionEnvelope } from '../../platform/codec/transition-envelope';
import type { LogClient } from '../../platform/kafka/log-client';
import type { BatchContext, LogConsumer } from '../../platform/kafka/log-consumer';
import type { Logger } from '../../platform/logging/logger';
import type { ApplyResult, Position, ReadModel } from './read-model';

export interface ProjectedRecord {
  readonly position: Position;
  readonly record: LogRecord;
  readonly result: ApplyResult;
}

export interface ProjectionStatus {
  /** Joined its group and consuming. */
  readonly running: boolean;
  /** Records behind the high watermark, summed over the partitions fetched so far. */
  readonly lag: number;
  /** Records skipped because they could not be decoded or folded. */
  readonly skipped: number;
}

export interface ProjectionOptions {
  readonly log: LogClient;
  readonly codec: EnvelopeCodec;
  readonly readModel: ReadModel;
  readonly topic: string;
  readonly groupId: string;
  readonly logger: Logger;
  /** Runs after each record is folded, before its offset is resolved: the search index follows here. */
  readonly afterApply?: (projected: ProjectedRecord) => Promise<void>;
}

export class TransitionsProjection {
  private consumer: LogConsumer | undefined;
  private running = false;
  private skipped = 0;
  private readonly lags = new Map<number, number>();
  private readonly listeners = new Set<(projected: ProjectedRecord) => void>();

  constructor(private readonly options: ProjectionOptions) {}

  async start(): Promise<void> {
    const { log, topic, groupId } = this.options;
    // A short fetch wait keeps `?wait` answers prompt and shutdown quick on a quiet topic.
    const consumer = log.consumer({
      groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
    });
    this.consumer = consumer;
    consumer.onGroupJoin(() => {
      this.running = true;
    });
    consumer.onCrash(({ error, restart }) => {
      this.running = restart;
      this.options.logger.error({ err: error, restart }, 'projection consumer crashed');
    });
    consumer.onStop(() => {
      this.running = false;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.batch(payload) });
  }

  status(): ProjectionStatus {
    const lag = [...this.lags.values()].reduce((sum, value) => sum + value, 0);
    return { running: this.running, lag, skipped: this.skipped };
  }

  /** Called after each record is folded (or found already folded); returns the unsubscribe function. */
  onRecord(listener: (projected: ProjectedRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.running = false;
    if (consumer !== undefined) await consumer.disconnect();
  }

  private async batch({ batch, resolveOffset, heartbeat, isRunning, isStale }: BatchContext): Promise<void> {
    for (const record of batch.records) {
      if (!isRunning() || isStale()) return;
      const position = { partition: batch.partition, offset: Number(record.offset) };
      await this.project(position, record.value);
      resolveOffset(record.offset);
      this.lags.set(batch.partition, Math.max(0, Number(batch.highWatermark) - 1 - position.offset));
      await heartbeat();
    }
  }

  private async project(position: Position, value: Buffer | null): Promise<void> {
    let record: LogRecord;
    try {
      const envelope = await this.options.codec.decode('transition', value);
      // A partition's health record belongs to no instance: nothing to project.
      if (envelope.kind === 'health') return;
      record = fromTransitionEnvelope(envelope);
    } catch (error) {
      if (!(error instanceof UndecodableError || error instanceof UnknownSchemaError)) throw error;
      return this.skip(position, error);
    }
    let result: ApplyResult;
    try {
      result = await this.options.readModel.apply(position, record);
    } catch (error) {
      if (!(error instanceof ReplayError)) throw error;
      return this.skip(position, error, record);
    }
    await this.options.afterApply?.({ position, record, result });
    for (const listener of this.listeners) listener({ position, record, result });
  }

  private skip(position: Position, error: Error, record?: LogRecord): void {
    this.skipped += 1;
    this.options.logger.error(
      { err: error, ...position, correlationId: record?.correlationId, commandId: record?.commandId },
      'transitions record skipped by the projection',
    );
  }
}
