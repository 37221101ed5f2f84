// PartitionProcessor: the single writer of one commands partition. It restores its state from the snapshot and
// the transitions changelog, then turns each batch into one transaction: outputs, offsets, commit.
import {
  dueResumes,
  dueTimers,
  NO_HEALTH,
  type Command,
  type Instance,
  type PartitionLoad,
} from '../../core';
import type { ChangelogRecord } from '../../platform/codec/transition-envelope';
import type { TopicRecords, TransactionalSink, WrittenRange } from '../../platform/kafka/log-producer';
import type { ProducedRecord } from '../../platform/kafka/records';
import { SnapshotError } from '../../platform/redis/snapshot-error';
import type { StoredInstance } from '../../platform/redis/snapshot-record';
import type { Snapshot } from '../../platform/redis/snapshot-store';
import type { PartitionView } from '../metrics/instance-gauges';
import { decideBatch, type BatchDecision } from '../batch/batch-decision';
import { reportBatch } from '../batch/batch-report';
import type { ForwardedRecord } from '../batch/command-routing';
import type { InboundCommand } from '../batch/inbound-command';
import { avroOutputEncoder, sealingEncoder, type OutputEncoder } from '../batch/output-encoder';
import { PartitionCrypto } from '../crypto/partition-crypto';
import { replayTransitions } from '../restore/transition-replay';
import { retentionOf, retentionPurge } from '../retention/hot-retention';
import { SnapshotWriter } from '../snapshot/snapshot-writer';
import { PartitionState } from './partition-state';
import { ResumePacer } from './resume-pacer';
import { transactionalIdOf, type ProcessorDeps } from './processor-deps';

/** Finished instances are checked against their retention at most this often. */
const RETENTION_SWEEP_MS = 1_000;

export class PartitionProcessor {
  private readonly encoder: OutputEncoder;
  private readonly pacer = new ResumePacer();
  private sweptAt = 0;

  private constructor(
    private readonly deps: ProcessorDeps,
    readonly partition: number,
    private readonly sink: TransactionalSink,
    readonly state: PartitionState,
    private readonly snapshots: SnapshotWriter,
    private readonly crypto: PartitionCrypto | undefined,
    private next: number,
  ) {
    this.encoder = avroOutputEncoder(deps.codec);
  }

  /**
   * The first commands offset that neither an earlier owner nor this processor has committed: the group's
   * committed position read after fencing, then the end of each batch this processor commits. The consumer may
   * deliver records below it again: every join of the group reads the group's position afresh, and a
   * transaction's offsets become readable only once its commit markers are written (kafkajs cannot ask for
   * stable offsets, KIP-447), so a join just after a commit, an earlier owner's or this processor's own, can
   * read the position before it.
   */
  get position(): number {
    return this.next;
  }

  /**
   * Fence (InitProducerId), load the snapshot, replay the changelog after it; only then may batches run. Idle
   * instances stay stored until first needed, unless `decodeAll` (after one of them could not be decoded: a load
   * that decodes every record finds the damage and falls back to the changelog).
   */
  static async restore(
    deps: ProcessorDeps,
    partition: number,
    heartbeat: () => Promise<void>,
    decodeAll = false,
  ): Promise<PartitionProcessor> {
    const started = Date.now();
    const sink = deps.log.transactionalSink(transactionalIdOf(deps, partition), deps.logger);
    await sink.connect();
    const crypto = deps.crypto === undefined ? undefined : new PartitionCrypto(deps.crypto, partition);
    try {
      const groupPrefix = deps.groupId;
      const timeoutMs = deps.restoreTimeoutMs;
      await crypto?.restore(deps.log, deps.admin, { groupPrefix, timeoutMs, heartbeat });
      const snapshot = await loadSnapshot(deps, partition, crypto, heartbeat, decodeAll);
      const state = new PartitionState(snapshot.instances, snapshot.offset, snapshot.health);
      // What replay changed is not in the snapshot yet: it is written with the next snapshot.
      const replayedIds = new Set<string>();
      const fold = (record: ChangelogRecord, offset: number) => {
        if (record.kind !== 'health') replayedIds.add(record.correlationId);
        state.fold(record, offset);
      };
      const replayed = await replayTransitions(deps.log, deps.admin, deps.codec, {
        topic: deps.topics.transitions,
        partition,
        after: snapshot.offset,
        groupPrefix,
        timeoutMs,
        apply:
          crypto === undefined
            ? fold
            : async (record, offset) =>
                fold(record.kind === 'health' ? record : await crypto.open(record), offset),
        heartbeat,
      });
      const seconds = (Date.now() - started) / 1000;
      deps.metrics.restoreSeconds.observe(seconds);
      deps.logger.info(
        {
          partition,
          seconds,
          instances: state.size,
          snapshotOffset: snapshot.offset,
          replayed,
          offset: state.lastOffset,
        },
        'partition restored',
      );
      const writer = new SnapshotWriter(
        deps.store,
        partition,
        state,
        deps.snapshot,
        deps.metrics,
        deps.logger,
        snapshot.offset,
        crypto === undefined ? undefined : (instance) => crypto.sealForSnapshot(instance),
      );
      // Not awaited: after a restore from the log alone this writes every instance, which the partition need
      // not wait for; the writer serialises it with the writes of the batches that follow.
      void writer.committed(replayedIds);
      const position = await committedOffset(deps, partition);
      return new PartitionProcessor(deps, partition, sink, state, writer, crypto, position);
    } catch (error) {
      crypto?.release();
      await sink.disconnect();
      throw error;
    }
  }

  /** Decides the batch and commits it in one transaction; state changes only once the commit succeeded. */
  async process(
    commands: readonly InboundCommand[],
    forwarded: readonly ForwardedRecord[],
    lastOffset: string,
    now: number,
  ): Promise<BatchDecision> {
    const { deps, partition, crypto } = this;
    const keys = crypto === undefined ? undefined : await crypto.prepare(commands);
    const encoder =
      keys === undefined || crypto === undefined
        ? this.encoder
        : sealingEncoder(this.encoder, (value) => crypto.seal(value, keys.keyOf(value.correlationId)));
    const decision = decideBatch(
      {
        registry: deps.registry,
        health: this.state.health,
        load: this.load(),
        now,
        source: { topic: deps.topics.commands, partition },
        lookup: (id) => this.state.get(id),
        encoder,
        maxRecordBytes: deps.maxRecordBytes,
        settings: deps.settings,
      },
      keys?.commands ?? commands,
    );
    const next = Number(lastOffset) + 1;
    const started = Date.now();
    const written = await this.sink.commit(this.topicRecords(decision, keys?.records ?? [], forwarded), {
      consumerGroupId: deps.groupId,
      topic: deps.topics.commands,
      partition,
      offset: String(next),
    });
    this.next = next;
    const committedAt = Date.now();
    deps.metrics.commitSeconds.observe((committedAt - started) / 1000);
    const offset = this.lastTransitionOffset(written, decision.transitions.length);
    this.state.commit(decision.changes, offset, decision.health);
    await keys?.committed();
    deps.settings?.committed(decision.settingsRecords);
    this.report(decision, committedAt);
    if (forwarded.length > 0) deps.metrics.forwarded.inc(forwarded.length);
    await this.snapshots.committed(decision.changes.keys());
    return decision;
  }

  /**
   * Due timers of committed instances as `timer-fired` commands, resumes of runs their circuits let through now,
   * and purges of those past their retention.
   */
  due(now: number): Command[] {
    const timers: Command[] = this.state.dueAt(now).flatMap((instance) => dueTimers(instance, now));
    const resumes = dueResumes(
      this.state.deferred(),
      this.state.health,
      now,
      this.deps.resumeTickMs,
      this.load(),
      (taskType, wanted) => {
        const perSecond = this.state.health[taskType]?.perSecond ?? null;
        if (perSecond === null) return wanted;
        return this.pacer.take(taskType, wanted, perSecond / this.deps.partitions, now);
      },
    );
    timers.push(...resumes);
    const retention = this.deps.retention;
    if (now - this.sweptAt < RETENTION_SWEEP_MS) return timers;
    this.sweptAt = now;
    const purges = this.state
      .expired(now, (workflow) => retentionOf(retention, workflow))
      .map((instance) => retentionPurge(instance, now));
    return purges.length === 0 ? timers : timers.concat(purges);
  }

  /** The committed runs per task type, for in-flight limits. */
  private load(): PartitionLoad {
    const { state } = this;
    return {
      partition: this.partition,
      partitions: this.deps.partitions,
      running: state.running,
      queued: state.queued,
    };
  }

  /** Metrics and logs of a committed batch; a failure here must not make the batch look uncommitted. */
  private report(decision: BatchDecision, committedAt: number): void {
    const { metrics, logger } = this.deps;
    try {
      reportBatch(
        { metrics, logger, clock: this.state.clock, partition: this.partition, committedAt },
        decision,
      );
    } catch (error) {
      logger.error({ err: error, partition: this.partition }, 'reporting a committed batch failed');
    }
  }

  /** What the scrape-time gauges read of this partition. */
  view(): PartitionView {
    const { state, snapshots } = this;
    return {
      partition: this.partition,
      instances: () => state.outlines(),
      enteredAt: (instance) => state.clock.enteredAt(instance),
      snapshotLag: () => (state.lastOffset ?? -1) - (snapshots.writtenOffset ?? -1),
      health: () => state.health,
      deferred: () => state.deferred(),
    };
  }

  /** Revocation or shutdown: the last batch has committed or aborted; write the snapshot and let go. */
  async close(): Promise<void> {
    try {
      await this.snapshots.close();
    } finally {
      this.crypto?.release();
      await this.sink.disconnect();
    }
  }

  /** After a failed transaction: forget this processor without writing a snapshot of uncertain state. */
  async discard(): Promise<void> {
    this.crypto?.release();
    await this.sink.disconnect();
  }

  private topicRecords(
    decision: BatchDecision,
    keys: ProducedRecord[],
    forwarded: readonly ForwardedRecord[],
  ): TopicRecords[] {
    const { topics } = this.deps;
    return [
      { topic: topics.commands, records: [...forwarded, ...decision.fanout] },
      { topic: topics.keys, records: keys },
      { topic: topics.transitions, records: decision.transitions },
      { topic: topics.tasks, records: decision.tasks },
      { topic: topics.dlq, records: decision.deadLetters },
      { topic: topics.audit, records: decision.audits },
      { topic: topics.settings, records: decision.settings },
    ].filter((entry) => entry.records.length > 0);
  }

  /**
   * The offset of this batch's last transitions record. This processor is the partition's only writer, so
   * its records of one transaction take consecutive offsets from the first request's base offset.
   */
  private lastTransitionOffset(written: readonly WrittenRange[], count: number): number | null {
    if (count === 0) return null;
    const bases = written
      .filter((m) => m.topic === this.deps.topics.transitions && m.partition === this.partition)
      .map((m) => Number(m.baseOffset));
    const entry = bases.length === 0 ? undefined : { baseOffset: Math.min(...bases) };
    if (entry?.baseOffset === undefined) {
      throw new Error(
        `no produce metadata for ${this.deps.topics.transitions}/${this.partition}: the snapshot offset would be unknown`,
      );
    }
    return Number(entry.baseOffset) + count - 1;
  }
}

/**
 * Redis is a cache: an unreadable or unreachable snapshot costs a full replay, never the partition. Sealed
 * instances are opened one by one, so with crypto every record is decoded.
 */
async function loadSnapshot(
  deps: ProcessorDeps,
  partition: number,
  crypto: PartitionCrypto | undefined,
  heartbeat: () => Promise<void>,
  decodeAll: boolean,
): Promise<Snapshot<Instance | StoredInstance>> {
  try {
    if (crypto === undefined && !decodeAll) return await deps.store.loadStored(partition, heartbeat);
    const snapshot = await deps.store.load(partition, heartbeat);
    if (crypto === undefined) return snapshot;
    const opened = new Map<string, Instance>();
    for (const [id, instance] of snapshot.instances) opened.set(id, await crypto.open(instance));
    return { instances: opened, offset: snapshot.offset, health: snapshot.health };
  } catch (error) {
    const level = error instanceof SnapshotError ? 'warn' : 'error';
    deps.logger[level]({ err: error, partition }, 'snapshot unreadable: replaying the whole changelog');
    return { instances: new Map(), offset: null, health: NO_HEALTH };
  }
}

/** The group's committed offset of this commands partition (0 when none); read after fencing, so it is final. */
async function committedOffset(deps: ProcessorDeps, partition: number): Promise<number> {
  const [committed] = await deps.admin.fetchOffsets({
    groupId: deps.groupId,
    topics: [deps.topics.commands],
  });
  const offset = Number(committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
  return Math.max(0, offset);
}
