// The orchestrator's Kafka wiring: one group consumer over the commands topic, a partition processor per owned
// partition, timers, and an orderly stop. Decisions live in PartitionProcessor and decideBatch, not here.
import { setTimeout as delay } from 'node:timers/promises';
import type { BatchContext, ConsumedBatch, LogConsumer } from '../platform/kafka/log-consumer';
import type { ConsumedRecord } from '../platform/kafka/records';
import { TransactionError } from '../platform/kafka/transaction-error';
import { decodeCommands } from './batch/command-decoder';
import { routeCommands, type RoutedBatch } from './batch/command-routing';
import { CommandLog } from '../platform/kafka/command-log';
import { ConsumerLag } from './consumer-lag';
import { PartitionAssignment } from './partition-assignment';
import type { PartitionProcessor } from './partition/partition-processor';
import type { ProcessorDeps } from './partition/processor-deps';
import { TimerScheduler, type TimerPolicy } from './timer/timer-scheduler';
import type { GroupTimeouts } from './config/orchestrator-config';
import { workflowStates } from './workflow-states';

export interface OrchestratorOptions extends ProcessorDeps {
  readonly timers: TimerPolicy;
  /** Failover time against rebalances on a stalled but live member; the group's defaults when absent. */
  readonly group?: GroupTimeouts;
  /** After a batch of fewer than LINGER_BELOW_RECORDS commands, the pause before the partition reads on; 0 for none. */
  readonly batchLingerMs: number;
}

/** Pause before re-reading a batch whose input could not be prepared (registry or restore failure). */
const RETRY_BACKOFF_MS = 250;
/** A batch this large already spreads a transaction's fixed cost thinly: the partition reads on without lingering. */
const LINGER_BELOW_RECORDS = 256;

export class Orchestrator {
  private readonly assignment: PartitionAssignment;
  private readonly timers: TimerScheduler;
  private reassigning: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly options: OrchestratorOptions,
    private readonly consumer: LogConsumer,
    private readonly publisher: CommandLog,
  ) {
    this.assignment = new PartitionAssignment(options);
    this.timers = new TimerScheduler(
      () => this.assignment.ready(),
      publisher,
      options.timers,
      options.metrics,
      options.logger,
      (partition, error) => this.restoreAgain(partition, error),
    );
    const lag = new ConsumerLag(options.admin, options.topics.commands, options.groupId, options.logger);
    options.metrics.watch({
      states: workflowStates(options.registry),
      partitions: () => [...this.assignment.ready()].map((processor) => processor.view()),
      consumerLag: () => lag.read(this.owned()),
      now: () => Date.now(),
    });
  }

  static async start(options: OrchestratorOptions): Promise<Orchestrator> {
    const consumer = options.log.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: options.group?.sessionTimeoutMs,
      heartbeatInterval: options.group?.heartbeatIntervalMs,
    });
    const publisher = await CommandLog.connect(options.log, options.codec, options.topics.commands);
    const orchestrator = new Orchestrator(options, consumer, publisher);
    await orchestrator.run();
    return orchestrator;
  }

  /** Partitions whose processor exists or is being restored. */
  owned(): number[] {
    return this.assignment.owned();
  }

  private async run(): Promise<void> {
    const { consumer, options } = this;
    consumer.onGroupJoin((assignment) => {
      const assigned = assignment[options.topics.commands] ?? [];
      this.reassigning = this.reassigning.then(() => this.reassign(assigned));
    });
    await consumer.connect();
    await consumer.subscribe({ topic: options.topics.commands, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitions,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.timers.start();
  }

  private async reassign(assigned: readonly number[]): Promise<void> {
    if (this.stopped) return;
    try {
      await this.assignment.reassign(assigned);
      this.options.logger.info({ partitions: [...assigned].sort((a, b) => a - b) }, 'orchestrator ready');
    } catch (error) {
      this.options.logger.error({ err: error, partitions: assigned }, 'restoring assigned partitions failed');
    }
  }

  private async onBatch(payload: BatchContext): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || this.stopped) return;
    let processor: PartitionProcessor;
    let routed: RoutedBatch<ConsumedRecord>;
    let commands;
    try {
      processor = await this.assignment.processor(batch.partition, payload.heartbeat);
      const records = batch.records.filter((record) => Number(record.offset) >= processor.position);
      if (records.length === 0) {
        payload.resolveOffset(batch.lastOffset());
        return;
      }
      routed = routeCommands(records, batch.partition, this.options.partitions);
      commands = await decodeCommands(this.options.codec, routed.local);
    } catch (error) {
      this.options.logger.warn({ err: error, partition: batch.partition }, 'batch input not ready: retrying');
      this.rewind(batch);
      await delay(RETRY_BACKOFF_MS);
      return;
    }
    const failed = await this.assignment.exclusive(batch.partition, async () => {
      try {
        await processor.process(commands, routed.forwarded, batch.lastOffset(), Date.now());
        payload.resolveOffset(batch.lastOffset());
        return undefined;
      } catch (error) {
        return { error };
      }
    });
    // Outside the exclusive section: releasing the partition waits for that section to end.
    if (failed !== undefined) await this.forget(batch, failed.error);
    await payload.heartbeat();
    // The next read of this partition waits for this handler: commands arriving meanwhile join one transaction.
    const lingerMs = this.options.batchLingerMs;
    if (failed === undefined && lingerMs > 0 && batch.records.length < LINGER_BELOW_RECORDS && !this.stopped)
      await delay(lingerMs);
  }

  /** A partition whose due timers could not be read is restored again, after any reassignment under way. */
  private restoreAgain(partition: number, error: unknown): void {
    this.reassigning = this.reassigning.then(async () => {
      if (this.stopped || !this.assignment.owned().includes(partition)) return;
      try {
        await this.assignment.release(partition, 'discard', error);
        await this.assignment.processor(partition);
      } catch (restoreError) {
        this.options.logger.error({ err: restoreError, partition }, 'restoring the partition again failed');
      }
    });
  }

  /** Any failure around a transaction: the batch did not happen for us; restore the partition and read it again. */
  private async forget(batch: ConsumedBatch, error: unknown): Promise<void> {
    const fenced = error instanceof TransactionError && error.fenced;
    this.options.metrics.aborts.inc({ fenced: String(fenced) });
    this.options.logger.warn({ err: error, partition: batch.partition, fenced }, 'batch transaction failed');
    this.rewind(batch);
    await this.assignment
      .release(batch.partition, 'discard', error)
      .catch((releaseError: unknown) =>
        this.options.logger.error(
          { err: releaseError, partition: batch.partition },
          'discarding the partition failed',
        ),
      );
  }

  private rewind(batch: ConsumedBatch): void {
    const offset = batch.firstOffset();
    if (offset !== null) this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset });
  }

  /** SIGTERM and revocation share this path: the last batch ends, snapshots are flushed, clients disconnect. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.timers.stop();
    await this.consumer.disconnect();
    await this.reassigning;
    try {
      await this.assignment.releaseAll();
    } finally {
      await this.publisher.close();
    }
  }
}
