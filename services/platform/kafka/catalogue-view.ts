// The definitions catalogue as a table: <prefix>.definitions read to its end before it reports ready, then
// followed, so a version an orchestrator publishes later becomes known here too. Records are Avro
// DefinitionRecords decoded through the registry; one whose key is not its own name@version is skipped.
import {
  createCatalogue,
  definitionKey,
  type Catalogue,
  type DescribedDefinition,
  type DescriptionSource,
  type WorkflowSettings,
} from '../../core';
import { fromDefinitionEnvelope, type PublishedDefinition } from '../codec/definition-envelope';
import type { EnvelopeCodec } from '../codec/envelope-codec';
import type { Logger } from '../logging/logger';
import type { LogClient } from './log-client';
import type { ConsumedRecord } from './records';
import { TopicTable } from './topic-table';

export interface CatalogueViewOptions {
  readonly log: LogClient;
  readonly codec: EnvelopeCodec;
  readonly topic: string;
  /** The throwaway group is `<groupPrefix>.definitions-<uuid>`. */
  readonly groupPrefix: string;
  readonly logger: Logger;
}

export class CatalogueView implements DescriptionSource {
  private constructor(private readonly table: TopicTable<PublishedDefinition>) {}

  /** Resolves once everything the topic held at start has been read. */
  static async start(options: CatalogueViewOptions): Promise<CatalogueView> {
    const { codec } = options;
    const table = await TopicTable.start<PublishedDefinition>({
      log: options.log,
      topic: options.topic,
      logger: options.logger,
      what: 'definitions',
      groupIdPrefix: `${options.groupPrefix}.definitions`,
      decode: async (message: ConsumedRecord) => {
        const published = fromDefinitionEnvelope(await codec.decode('definition', message.value));
        const key = message.key?.toString('utf8') ?? '';
        const { name, version } = published.definition;
        if (key !== definitionKey(name, version))
          throw new Error(`definition ${definitionKey(name, version)} under the key ${key}`);
        return { key, value: published };
      },
    });
    await table.ready();
    return new CatalogueView(table);
  }

  /** How many versions it holds: it only grows (a version is never withdrawn), so it numbers the revisions. */
  get size(): number {
    return this.table.size;
  }

  published(key: string): PublishedDefinition | undefined {
    return this.table.lookup(key);
  }

  lookup(key: string): DescribedDefinition | undefined {
    return this.table.lookup(key)?.definition;
  }

  *values(): Iterable<DescribedDefinition> {
    for (const [, published] of this.table.entries()) yield published.definition;
  }

  /** The catalogue as it is at each call; new instances' versions chosen with `settingsOf` as the orchestrator does. */
  catalogue(settingsOf?: (workflow: string) => WorkflowSettings | undefined): Catalogue {
    return createCatalogue(this, settingsOf);
  }

  /** Resolves with the record of `key` as soon as it is read, or undefined after `timeoutMs`. */
  waitFor(key: string, timeoutMs: number): Promise<PublishedDefinition | undefined> {
    return this.table.waitFor(key, timeoutMs);
  }

  stop(): Promise<void> {
    return this.table.stop();
  }
}
