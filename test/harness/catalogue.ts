// Publishes a registry's definitions to a namespace's definitions catalogue as an orchestrator does at start, for
// suites that run a gateway without a real orchestrator's start (the gateway's workflows come from the catalogue).
import type { Kafka } from 'kafkajs';
import { kafkajsLogClient } from '../../services/platform/kafka/kafka-client';
import type { Registry } from '../../services/core';
import type { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import type { TopicNames } from '../../services/platform/kafka/topic-names';
import { createLogger } from '../../services/platform/logging/logger';
import { publishCatalogue } from '../../services/orchestrator/catalogue/publish-catalogue';

export interface CatalogueSeed {
  readonly kafka: Kafka;
  readonly codec: EnvelopeCodec;
  readonly topics: TopicNames;
  /** Names the throwaway group and the transactional id, as an orchestrator's group does. */
  readonly groupId: string;
  readonly registry: Registry;
}

export const publishTestCatalogue = ({ kafka, ...seed }: CatalogueSeed): Promise<string[]> =>
  publishCatalogue({
    ...seed,
    log: kafkajsLogClient(kafka),
    actor: 'test-harness',
    now: Date.now(),
    logger: createLogger('silent'),
  });
