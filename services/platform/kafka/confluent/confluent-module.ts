// Loads @confluentinc/kafka-javascript on first use. It is an optional dependency whose native part (librdkafka)
// is built by `make confluent-client`, not by `npm ci`: without it the kafkajs client still serves, and asking for
// this one says how to build it instead of failing at import.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { NonRetriableError } from '../../../core';

export type ConfluentKafkaJS = typeof KafkaJS;

/** The confluent client was chosen but cannot be loaded here. */
export class ConfluentClientMissingError extends NonRetriableError {
  readonly code = 'kafka-client-missing';

  constructor(cause: unknown) {
    super(
      'STATEWRIGHT_KAFKA_CLIENT=confluent needs @confluentinc/kafka-javascript with its native part built: ' +
        `run \`make confluent-client\` (${String(cause)})`,
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
