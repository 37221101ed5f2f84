// The audit trail as the gateway serves it: <prefix>.audit read (read_committed) from its beginning into memory by
// a consumer of a throwaway group under the gateway's group prefix, and followed from then on. Operator acts are
// few, so every record is kept; `ready` says whether the records present at start have all been read.
import { randomUUID } from 'node:crypto';
import { fromAuditEnvelope, type AuditEntry } from '../../platform/codec/audit-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { LogConsumer } from '../../platform/kafka/log-consumer';
import type { Logger } from '../../platform/logging/logger';

export interface AuditQuery {
  readonly instance?: string;
  readonly actor?: string;
  readonly since?: number;
  readonly until?: number;
  readonly limit: number;
}

export interface AuditTrailOptions {
  readonly log: LogClient;
  readonly codec: EnvelopeCodec;
  readonly topic: string;
  readonly groupPrefix: string;
  readonly logger: Logger;
}

export class AuditTrail {
  private readonly entries: AuditEntry[] = [];
  private readonly pending = new Map<number, number>();
  private consumer: LogConsumer | undefined;
  private groupId = '';

  constructor(private readonly options: AuditTrailOptions) {}

  get ready(): boolean {
    return this.consumer !== undefined && this.pending.size === 0;
  }

  async start(): Promise<void> {
    const { log, topic, codec, logger } = this.options;
    for (const [partition, high] of await endOffsets(log.admin(), topic)) {
      if (high > 0) this.pending.set(partition, high);
    }
    this.groupId = `${this.options.groupPrefix}.audit.${randomUUID()}`;
    const consumer = log.consumer({ groupId: this.groupId, readUncommitted: false, maxWaitTimeInMs: 250 });
    consumer.onBatchEnd((end) => {
      // lastOffset counts transaction markers, so a log ending in a commit marker is still read to its end.
      const high = this.pending.get(end.partition);
      if (high !== undefined && Number(end.lastOffset) + 1 >= high) this.pending.delete(end.partition);
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachRecord: async ({ record, partition }) => {
        try {
          const envelope = await codec.decode('audit', record.value);
          this.entries.push(fromAuditEnvelope(envelope));
        } catch (error) {
          logger.error({ err: error, partition, offset: record.offset }, 'audit record skipped');
        }
      },
    });
    this.consumer = consumer;
  }

  /** Matching records ordered by the time they were applied, at most `limit`. */
  query(query: AuditQuery): { records: AuditEntry[]; truncated: boolean } {
    const matching = this.entries
      .filter(
        (entry) =>
          (query.instance === undefined || entry.target === query.instance) &&
          (query.actor === undefined || entry.actor === query.actor) &&
          (query.since === undefined || entry.at >= query.since) &&
          (query.until === undefined || entry.at < query.until),
      )
      .sort((a, b) => a.at - b.at);
    return { records: matching.slice(0, query.limit), truncated: matching.length > query.limit };
  }

  /** The workflow of an instance the trail has seen acted on (one purged from the read model, say). */
  workflowOf(correlationId: string): string | undefined {
    return this.entries.findLast((entry) => entry.target === correlationId)?.workflow;
  }

  /** Stops reading and deletes the throwaway group (best effort: an empty group also expires on its own). */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer === undefined) return;
    await consumer.disconnect();
    const admin = this.options.log.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch {
      // Nothing to undo: reading is over.
    } finally {
      await admin.disconnect();
    }
  }
}

async function endOffsets(admin: LogAdmin, topic: string): Promise<Map<number, number>> {
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}
