// At start, before any partition is processed: every definition this orchestrator serves is published to the
// catalogue unless it is there already with the same hash. One that differs from its published version refuses
// the start (CatalogueConflictError) and nothing is written.
import {
  conflictMessage,
  describeDefinition,
  planPublication,
  type DescribedDefinition,
  type Publication,
  type Registry,
} from '../../core';
import { toDefinitionEnvelope } from '../../platform/codec/definition-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { CatalogueView } from '../../platform/kafka/catalogue-view';
import { CatalogueWriter } from '../../platform/kafka/catalogue-writer';
import type { LogClient } from '../../platform/kafka/log-client';
import type { TopicNames } from '../../platform/kafka/topic-names';
import type { Logger } from '../../platform/logging/logger';
import { CatalogueConflictError } from '../../platform/workflows/catalogue-conflict-error';
import { TransactionError } from '../../platform/kafka/transaction-error';
import { publicationAudit } from './publication-audit';
import { PublicationRacedError } from './publication-raced-error';

export interface CataloguePublishing {
  readonly log: LogClient;
  readonly codec: EnvelopeCodec;
  readonly topics: TopicNames;
  readonly groupId: string;
  readonly registry: Registry;
  /** The orchestrator's principal: who the audit records say published. */
  readonly actor: string;
  readonly now: number;
  readonly logger: Logger;
}

/**
 * Resolves to the `name@version` of each definition it published. The writer connects before the catalogue is
 * read: connecting fences every other orchestrator of the group (one transactional id) and aborts a publication
 * it had open, so two orchestrators starting together cannot both find a version missing and both write it; the
 * fenced one fails its write, tries again, and then reads what the other published.
 */
export async function publishCatalogue(options: CataloguePublishing): Promise<string[]> {
  const { registry, topics, logger } = options;
  const served = registry
    .names()
    .flatMap((name) => registry.versions(name).map((version) => registry.get(name, version)))
    .filter((definition) => definition !== undefined)
    .map(describeDefinition);
  const writer = await CatalogueWriter.connect(
    options.log,
    options.codec,
    topics,
    `${options.groupId}.${topics.definitions}`,
    logger,
  );
  try {
    const plan = await planAgainstCatalogue(options, served);
    if (plan.conflicts.length > 0) {
      throw new CatalogueConflictError(
        plan.conflicts.map((c) => `${c.name}@${c.version}`),
        conflictMessage(plan.conflicts),
      );
    }
    await writeRacing(
      writer,
      plan.publish.map((definition) => ({
        definition: toDefinitionEnvelope({
          definition,
          publishedAt: options.now,
          publishedBy: options.actor,
        }),
        audit: publicationAudit(definition, options.actor, options.now, topics.definitions),
      })),
    );
    const published = plan.publish.map((d) => `${d.name}@${d.version}`);
    logger.info(
      { published, unchanged: plan.unchanged.map((d) => `${d.name}@${d.version}`) },
      'definitions catalogue up to date',
    );
    return published;
  } finally {
    await writer.close();
  }
}

/** The catalogue read to its end (committed records only), and what `served` would add to it or change. */
async function planAgainstCatalogue(
  options: CataloguePublishing,
  served: readonly DescribedDefinition[],
): Promise<Publication> {
  const view = await CatalogueView.start({
    log: options.log,
    codec: options.codec,
    topic: options.topics.definitions,
    groupPrefix: options.groupId,
    logger: options.logger,
  });
  try {
    return planPublication((key) => view.lookup(key), served);
  } finally {
    await view.stop();
  }
}

/** A write fenced by another orchestrator's writer becomes retriable: the start reads the catalogue again. */
async function writeRacing(writer: CatalogueWriter, publications: Parameters<CatalogueWriter['write']>[0]) {
  try {
    await writer.write(publications);
  } catch (error) {
    if (error instanceof TransactionError && error.fenced) throw new PublicationRacedError(error);
    throw error;
  }
}
