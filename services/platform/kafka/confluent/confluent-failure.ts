// Classifies the confluent client's errors by the librdkafka error code they carry (its KafkaJS layer keeps
// kafkajs' error names only in part; `code` is the stable field).

import { anyCause } from '../kafka-failure';

/** ERR__FENCED (-144), ERR_INVALID_PRODUCER_EPOCH (47), ERR_PRODUCER_FENCED (90). */
const FENCED_CODES = new Set([-144, 47, 90]);

/** Another producer initialised the same transactionalId: this process no longer owns the partition. */
export function isFenced(error: unknown): boolean {
  return anyCause(error, ({ code }) => typeof code === 'number' && FENCED_CODES.has(code));
}
