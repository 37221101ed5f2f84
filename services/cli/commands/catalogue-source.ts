// The definitions catalogue as the CLI reads it: <prefix>.definitions to its end, with a throwaway group
// (`statewright-cli-catalogue.…`, under the CLI's group ACL) deleted when done. No team code is needed.
import { catalogueOf, type Catalogue } from '../../core';
import { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { CatalogueView } from '../../platform/kafka/catalogue-view';
import { topicNames } from '../../platform/kafka/topic-names';
import { createLogger } from '../../platform/logging/logger';
import { unavailable } from '../cli-error';
import { cliKafka, kafkaUnavailable, type KafkaConnection } from '../transitions/transitions-source';

/** Every version the catalogue holds now, as a fixed catalogue (latest version first choice). */
export async function readCatalogue(connection: KafkaConnection): Promise<Catalogue> {
  const topics = topicNames(connection.prefix);
  const codec = await EnvelopeCodec.connect({ registryUrl: connection.registryUrl, topics }).catch(
    (error: unknown) => {
      throw unavailable(`the schema registry at ${connection.registryUrl} did not answer: ${String(error)}`);
    },
  );
  const view = await CatalogueView.start({
    log: cliKafka(connection.kafka),
    codec,
    topic: topics.definitions,
    groupPrefix: 'statewright-cli-catalogue',
    logger: createLogger('silent', 'statewright-cli'),
  }).catch((error: unknown) => {
    throw kafkaUnavailable(`could not read ${topics.definitions}`, connection.kafka, error);
  });
  try {
    return catalogueOf([...view.values()]);
  } finally {
    await view.stop();
  }
}
