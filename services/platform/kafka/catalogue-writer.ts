// Writes definitions to the catalogue and the audit records of their publication in one Kafka transaction: a
// version is published with its audit record or not at all. Its transactional id fences an older writer of the
// same orchestrator group.
import type { Kafka, Producer } from 'kafkajs';
import type { AuditEnvelope } from '../codec/audit-envelope';
import type { DefinitionEnvelope } from '../codec/definition-envelope';
import type { EnvelopeCodec } from '../codec/envelope-codec';
import type { TopicNames } from './topic-names';

export interface CataloguePublication {
  readonly definition: DefinitionEnvelope;
  readonly audit: AuditEnvelope;
}

export class CatalogueWriter {
  private constructor(
    private readonly producer: Producer,
    private readonly codec: EnvelopeCodec,
    private readonly topics: Pick<TopicNames, 'definitions' | 'audit'>,
  ) {}

  static async connect(
    kafka: Kafka,
    codec: EnvelopeCodec,
    topics: Pick<TopicNames, 'definitions' | 'audit'>,
    transactionalId: string,
  ): Promise<CatalogueWriter> {
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return new CatalogueWriter(producer, codec, topics);
  }

  async write(publications: readonly CataloguePublication[]): Promise<void> {
    if (publications.length === 0) return;
    const transaction = await this.producer.transaction();
    try {
      await transaction.sendBatch({
        topicMessages: [
          {
            topic: this.topics.definitions,
            messages: publications.map(({ definition }) => ({
              key: `${definition.name}@${definition.version}`,
              value: this.codec.encode('definition', definition),
            })),
          },
          {
            topic: this.topics.audit,
            messages: publications.map(({ audit }) => ({
              key: audit.target,
              value: this.codec.encode('audit', audit),
            })),
          },
        ],
      });
      await transaction.commit();
    } catch (error) {
      // The write's own failure is what the caller needs; an abort that fails too leaves the transaction to
      // time out, and the next writer with this id fences it.
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
