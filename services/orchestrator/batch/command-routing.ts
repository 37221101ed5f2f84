// Routing of consumed command records: a record whose key another partition owns (a producer with another
// partitioner, e.g. librdkafka's CRC32 default) is not decided here; it is forwarded, bytes and headers
// unchanged, to its owner partition inside this batch's transaction, so it is applied there exactly once and
// the records of one producer keep their order.
import { PARTITION_COMMAND_HEADER } from '../../platform/kafka/command-log';
import { commandPartition } from '../../platform/kafka/command-partition';
import type { ConsumedRecord, ProducedRecord, RecordHeaders } from '../../platform/kafka/records';

/** A command record for another partition: forwarded as it came, to its owner `partition`. */
export type ForwardedRecord = ProducedRecord & { readonly key: Buffer; readonly partition: number };

/** Names the partition and offset a forwarded record was first consumed at. */
export const FORWARDED_FROM = 'statewright-forwarded-from';

export interface RoutedBatch<R extends ConsumedRecord> {
  /** Records this partition owns, in order: these are decided here. */
  readonly local: R[];
  /** Records for other partitions, each with its owner `partition` set. */
  readonly forwarded: ForwardedRecord[];
}

export function routeCommands<R extends ConsumedRecord>(
  messages: readonly R[],
  partition: number,
  partitions: number,
): RoutedBatch<R> {
  const local: R[] = [];
  const forwarded: ForwardedRecord[] = [];
  for (const message of messages) {
    const owner = ownerOf(message, partitions);
    if (owner === undefined || owner === partition || message.key === null) local.push(message);
    else forwarded.push(forward({ ...message, key: message.key }, owner, `${partition}/${message.offset}`));
  }
  return { local, forwarded };
}

/**
 * Records without a key are decided (and dead-lettered) where they are; so is a record forwarded once already:
 * with a disagreeing partition count it must not travel in circles; so is a partition command, written to every
 * partition on purpose.
 */
function ownerOf(message: ConsumedRecord, partitions: number): number | undefined {
  if (message.key === null || message.key.length === 0) return undefined;
  if (message.headers?.[FORWARDED_FROM] !== undefined) return undefined;
  if (message.headers?.[PARTITION_COMMAND_HEADER] !== undefined) return undefined;
  return commandPartition(message.key, partitions);
}

function forward(message: ConsumedRecord & { key: Buffer }, owner: number, from: string): ForwardedRecord {
  const headers: RecordHeaders = { ...(message.headers ?? {}), [FORWARDED_FROM]: from };
  return { key: message.key, value: message.value, headers, partition: owner, timestamp: message.timestamp };
}
