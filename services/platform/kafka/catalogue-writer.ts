// Writes definitions to the catalogue and the audit records of their publication in one Kafka transaction: a
// version is published with its audit record or not at all. Its transactional id fences an older writer of the
// same orchestrator group.
import type { AuditEnvelope } from '../codec/audit-envelope';
import type { DefinitionEnvelope } from '../codec/definition-envelope';
import type { EnvelopeCodec } from '../codec/envelope-codec';
import type { Logger } from '../logging/logger';
import type { LogClient } from './log-client';
import type { TransactionalSink } from './log-producer';
import type { TopicNames } from './topic-names';

export interface CataloguePublication {
  readonly definition: DefinitionEnvelope;
  readonly audit: AuditEnvelope;
}

export class CatalogueWriter {
  private constructor(
    private readonly sink: TransactionalSink,
    private readonly codec: EnvelopeCodec,
    private readonly topics: Pick<TopicNames, 'definitions' | 'audit'>,
  ) {}

  static async connect(
    log: LogClient,
    codec: EnvelopeCodec,
    topics: Pick<TopicNames, 'definitions' | 'audit'>,
    transactionalId: string,
    logger: Logger,
  ): Promise<CatalogueWriter> {
    const sink = log.transactionalSink(transactionalId, logger);
    await sink.connect();
    return new CatalogueWriter(sink, codec, topics);
  }

  /** Throws TransactionError when the transaction did not commit (the sink aborts it). */
  async write(publications: readonly CataloguePublication[]): Promise<void> {
    if (publications.length === 0) return;
    await this.sink.commit([
      {
        topic: this.topics.definitions,
        records: publications.map(({ definition }) => ({
          key: `${definition.name}@${definition.version}`,
          value: this.codec.encode('definition', definition),
        })),
      },
      {
        topic: this.topics.audit,
        records: publications.map(({ audit }) => ({
          key: audit.target,
          value: this.codec.encode('audit', audit),
        })),
      },
    ]);
  }

  close(): Promise<void> {
    return this.sink.disconnect();
  }
}
