// Loads @confluentinc/kafka-javascript on first use. It is an optional peer dependency (a development one here, whose
// native part, librdkafka, `make confluent-client` builds and `npm ci` does not): without it the kafkajs client still
// serves, and asking for this one says how to get it instead of failing at import.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { NonRetriableError } from '../../../core';

export type ConfluentKafkaJS = typeof KafkaJS;

/** The confluent client was chosen but cannot be loaded here. */
export class ConfluentClientMissingError extends NonRetriableError {
  readonly code = 'kafka-client-missing';

  constructor(cause: unknown) {
    super(
      'STATEWRIGHT_KAFKA_CLIENT=confluent needs @confluentinc/kafka-javascript installed with its native part ' +
        `built (in this repository: \`make confluent-client\`) (${String(cause)})`,
      { cause },
    );
  }
}

let loaded: ConfluentKafkaJS | undefined;

export function confluentKafkaJS(): ConfluentKafkaJS {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = (require('@confluentinc/kafka-javascript') as { KafkaJS: ConfluentKafkaJS }).KafkaJS;
    } catch (error) {
      throw new ConfluentClientMissingError(error);
    }
  }
  return loaded;
}
