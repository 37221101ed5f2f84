// The instances that finished lately, per workflow, as the transitions log says: read from the records of the
// last `windowMs` (found by timestamp) with a throwaway group, then following. A restart reads the same window
// again, so the evidence a canary is judged on survives it; every orchestrator reads all partitions alike.
import { randomUUID } from 'node:crypto';
import type { FinishedInstance, TerminalStatus } from '../../core';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { fromTransitionEnvelope } from '../../platform/codec/transition-envelope';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { BatchContext, LogConsumer } from '../../platform/kafka/log-consumer';
import type { ConsumedRecord } from '../../platform/kafka/records';
import type { Logger } from '../../platform/logging/logger';

export interface FinishedInstancesOptions {
  readonly log: LogClient;
  readonly admin: LogAdmin;
  readonly codec: EnvelopeCodec;
  readonly topic: string;
  readonly groupPrefix: string;
  readonly windowMs: number;
  readonly now: number;
  readonly logger: Logger;
}

export class FinishedInstances {
  private readonly byWorkflow = new Map<string, FinishedInstance[]>();
  /** The next offset to take per partition: each record counts once, whatever a seek or refetch delivers. */
  private readonly next = new Map<number, number>();
  private readonly pending: Set<number>;

  private constructor(
    private readonly options: FinishedInstancesOptions,
    private readonly consumer: LogConsumer,
    private readonly groupId: string,
    private readonly starts: ReadonlyMap<number, number>,
    private readonly ends: ReadonlyMap<number, number>,
  ) {
    for (const [partition, start] of starts) this.next.set(partition, start);
    this.pending = new Set([...ends].filter(([p, end]) => end > (starts.get(p) ?? end)).map(([p]) => p));
  }

  static async start(options: FinishedInstancesOptions): Promise<FinishedInstances> {
    const { admin, topic } = options;
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, options.now - options.windowMs);
    const starts = new Map(
      offsets.map((o) => {
        const found = Number(byTime.find((entry) => entry.partition === o.partition)?.offset ?? -1);
        return [o.partition, found < 0 ? Number(o.high) : Math.max(found, Number(o.low))];
      }),
    );
    const groupId = `${options.groupPrefix}.canary.${randomUUID()}`;
    const consumer = options.log.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 500 });
    const finished = new FinishedInstances(options, consumer, groupId, starts, ends);
    await finished.run();
    return finished;
  }

  /** True once every record of the window that the log held at start has been read. */
  get caughtUp(): boolean {
    return this.pending.size === 0;
  }

  of(workflow: string): readonly FinishedInstance[] {
    return this.byWorkflow.get(workflow) ?? [];
  }

  /** Forgets instances that finished before `before`: they are outside every window from now on. */
  forgetBefore(before: number): void {
    for (const [workflow, list] of this.byWorkflow) {
      const kept = list.filter((instance) => instance.at >= before);
      if (kept.length === 0) this.byWorkflow.delete(workflow);
      else if (kept.length < list.length) this.byWorkflow.set(workflow, kept);
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    const admin = this.options.log.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      // A group that never committed may be gone already; an empty one expires by itself.
      this.options.logger.debug({ err: error, groupId: this.groupId }, 'canary group not deleted');
    } finally {
      await admin.disconnect();
    }
  }

  private async run(): Promise<void> {
    const { topic, logger } = this.options;
    this.consumer.onBatchEnd((end) => {
      if (Number(end.lastOffset) + 1 >= (this.ends.get(end.partition) ?? 0))
        this.pending.delete(end.partition);
    });
    this.consumer.onCrash(({ error, restart }) =>
      logger.error({ err: error, topic, restart }, 'canary evidence consumer crashed'),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: (context) => this.batch(context) });
    for (const [partition, start] of this.starts) {
      this.consumer.seek({ topic, partition, offset: String(start) });
    }
  }

  private async batch({ batch }: BatchContext): Promise<void> {
    for (const record of batch.records) {
      const offset = Number(record.offset);
      if (offset < (this.next.get(batch.partition) ?? 0)) continue;
      this.next.set(batch.partition, offset + 1);
      await this.take(record);
    }
  }

  private async take(record: ConsumedRecord): Promise<void> {
    const envelope = await this.decode(record);
    if (envelope === undefined || envelope.kind !== 'transition' || !isTerminal(envelope.status)) return;
    const logged = fromTransitionEnvelope(envelope);
    // An erasure is logged as a transition of an instance that had already finished.
    if (logged.kind !== 'transition' || logged.event === 'erase') return;
    const finished: FinishedInstance = { version: logged.version, status: envelope.status, at: logged.at };
    const list = this.byWorkflow.get(logged.workflow) ?? [];
    list.push(finished);
    this.byWorkflow.set(logged.workflow, list);
  }

  private async decode(record: ConsumedRecord) {
    try {
      return await this.options.codec.decode('transition', record.value);
    } catch (error) {
      this.options.logger.warn(
        { err: error, topic: this.options.topic, offset: record.offset },
        'canary evidence skipped an undecodable record',
      );
      return undefined;
    }
  }
}

const TERMINAL: ReadonlySet<string> = new Set<TerminalStatus>([
  'completed',
  'failed',
  'cancelled',
  'compensated',
  'timed_out',
]);

const isTerminal = (status: string | null): status is TerminalStatus =>
  status !== null && TERMINAL.has(status);
