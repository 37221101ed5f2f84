// At start, before any partition is processed: every definition this orchestrator serves is published to the
// catalogue unless it is there already with the same hash. One that differs from its published version refuses
// the start (CatalogueConflictError) and nothing is written.
import {
  conflictMessage,
  describeDefinition,
  planPublication,
  type Publication,
  type Registry,
} from '../../core';
import { toDefinitionEnvelope } from '../../platform/codec/definition-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { CatalogueView } from '../../platform/kafka/catalogue-view';
import { CatalogueWriter } from '../../platform/kafka/catalogue-writer';
import type { createKafka } from '../../platform/kafka/kafka-client';
import type { TopicNames } from '../../platform/kafka/topic-names';
import type { Logger } from '../../platform/logging/logger';
import { CatalogueConflictError } from '../../platform/workflows/catalogue-conflict-error';
import { publicationAudit } from './publication-audit';

export interface CataloguePublishing {
  readonly kafka: ReturnType<typeof createKafka>;
  readonly codec: EnvelopeCodec;
  readonly topics: TopicNames;
  readonly groupId: string;
  readonly registry: Registry;
  /** The orchestrator's principal: who the audit records say published. */
  readonly actor: string;
  readonly now: number;
  readonly logger: Logger;
}

/** Resolves to the `name@version` of each definition it published. */
export async function publishCatalogue(options: CataloguePublishing): Promise<string[]> {
  const { registry, topics, logger } = options;
  const served = registry
    .names()
    .flatMap((name) => registry.versions(name).map((version) => registry.get(name, version)))
    .filter((definition) => definition !== undefined)
    .map(describeDefinition);
  const view = await CatalogueView.start({
    kafka: options.kafka,
    codec: options.codec,
    topic: topics.definitions,
    groupPrefix: options.groupId,
    logger,
  });
  let plan: Publication;
  try {
    plan = planPublication((key) => view.lookup(key), served);
  } finally {
    await view.stop();
  }
  if (plan.conflicts.length > 0) {
    throw new CatalogueConflictError(
      plan.conflicts.map((c) => `${c.name}@${c.version}`),
      conflictMessage(plan.conflicts),
    );
  }
  const writer = await CatalogueWriter.connect(
    options.kafka,
    options.codec,
    topics,
    `${options.groupId}.${topics.definitions}`,
  );
  try {
    await writer.write(
      plan.publish.map((definition) => ({
        definition: toDefinitionEnvelope({
          definition,
          publishedAt: options.now,
          publishedBy: options.actor,
        }),
        audit: publicationAudit(definition, options.actor, options.now, topics.definitions),
      })),
    );
  } finally {
    await writer.close();
  }
  const published = plan.publish.map((d) => `${d.name}@${d.version}`);
  logger.info(
    { published, unchanged: plan.unchanged.map((d) => `${d.name}@${d.version}`) },
    'definitions catalogue up to date',
  );
  return published;
}
