// Routing of consumed command records: a record whose key another partition owns (a producer with another
// partitioner, e.g. librdkafka's CRC32 default) is not decided here; it is forwarded, bytes and headers
// unchanged, to its owner partition inside this batch's transaction, so it is applied there exactly once and
// the records of one producer keep their order.
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { commandPartition } from '../../platform/kafka/command-partition';

/** Names the partition and offset a forwarded record was first consumed at. */
export const FORWARDED_FROM = 'statewright-forwarded-from';

export interface RoutedBatch {
  /** Records this partition owns, in order: these are decided here. */
  readonly local: KafkaMessage[];
  /** Records for other partitions, each with its owner `partition` set. */
  readonly forwarded: Message[];
}

export function routeCommands(
  messages: readonly KafkaMessage[],
  partition: number,
  partitions: number,
): RoutedBatch {
  const local: KafkaMessage[] = [];
  const forwarded: Message[] = [];
  for (const message of messages) {
    const owner = ownerOf(message, partitions);
    if (owner === undefined || owner === partition) local.push(message);
    else forwarded.push(forward(message, owner, `${partition}/${message.offset}`));
  }
  return { local, forwarded };
}

/**
 * Records without a key are decided (and dead-lettered) where they are; so is a record forwarded once already:
 * with a disagreeing partition count it must not travel in circles.
 */
function ownerOf(message: KafkaMessage, partitions: number): number | undefined {
  if (message.key === null || message.key.length === 0) return undefined;
  if (message.headers?.[FORWARDED_FROM] !== undefined) return undefined;
  return commandPartition(message.key, partitions);
}

function forward(message: KafkaMessage, owner: number, from: string): Message {
  const headers: IHeaders = { ...(message.headers ?? {}), [FORWARDED_FROM]: from };
  return { key: message.key, value: message.value, headers, partition: owner, timestamp: message.timestamp };
}
