// The owner partition of a command: murmur2 of its record key (the correlation id), as Kafka's Java client and
// kafkajs' DefaultPartitioner compute it. Every statewright producer of commands writes to this partition; the
// orchestrator forwards a command found anywhere else to it, so producers with other partitioners stay correct.
import './kafkajs-replacements';
import { Partitioners, type ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) of `data`'s first `length` bytes, as a signed 32-bit
 * integer.
 */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8);
    k |= ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= (data[whole + 2] as number) << 16;
  if (rest >= 2) h ^= (data[whole + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] as number), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  return h ^ (h >>> 15);
}

/** Where a key short enough is written as UTF-8 to be hashed, so that hashing it allocates nothing. */
const scratch = Buffer.allocUnsafe(1024);

/** The partition, of `partitions`, that owns the instance with this correlation id (or record key). */
export function commandPartition(key: string | Uint8Array, partitions: number): number {
  if (typeof key !== 'string') return (murmur2(key) & 0x7fffffff) % partitions;
  // A UTF-16 code unit takes at most 3 bytes of UTF-8, so a key of up to a third of the buffer fits whole.
  if (key.length * 3 > scratch.length) return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
  return (murmur2(scratch, scratch.write(key, 0, 'utf8')) & 0x7fffffff) % partitions;
}

type Partition = ReturnType<ICustomPartitioner>;

/** A record sent to a chosen partition goes there, a keyed one to its owner partition, any other to `unkeyed`'s. */
const ownerPartition =
  (unkeyed: Partition): Partition =>
  (args) => {
    const { message, partitionMetadata } = args;
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key === null || message.key === undefined) return unkeyed(args);
    return commandPartition(message.key, partitionMetadata.length);
  };

/**
 * A kafkajs partitioner that puts every keyed record on its owner partition; unkeyed records go to 0. A record
 * sent to a chosen partition (a partition command written to every one) goes there.
 */
export const commandPartitioner: ICustomPartitioner = () => ownerPartition(() => 0);

/**
 * kafkajs' DefaultPartitioner (Java's for keyed records) with this murmur2: the same partition for every record,
 * without kafkajs' 64-bit arithmetic on objects and its copy of the partition list at every record. Records with
 * neither a partition nor a key go round the partitions as kafkajs sends them.
 */
export const keyPartitioner: ICustomPartitioner = () => ownerPartition(Partitioners.DefaultPartitioner());
