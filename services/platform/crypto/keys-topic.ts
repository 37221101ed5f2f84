// The record format of `<prefix>.keys`, a compacted topic keyed by correlation id: its latest value is the
// instance's wrapped data key as JSON, or a tombstone (null value) once the key has been erased.
import { z } from 'zod';
import type { ConfigEntry } from '../kafka/log-admin';
import type { ProducedRecord } from '../kafka/records';
import { KeysRecordError } from './crypto-error';
import type { WrappedDataKey } from './key-encryption-key';

export interface DataKeyRecord extends WrappedDataKey {
  /** ISO-8601 time the data key was made; rewrapping keeps it. */
  readonly createdAt: string;
}

export type KeysEntry = ({ readonly kind: 'key' } & DataKeyRecord) | { readonly kind: 'erased' };

/**
 * Compaction keeps the latest record per instance. Tombstones must outlive every reader that could still
 * hold the key: once compaction removes a tombstone, the instance has no record at all (a lookup finds
 * nothing rather than "erased"), so they are kept ten years instead of the broker's default of one day.
 */
export const KEYS_TOPIC_CONFIG_ENTRIES: readonly ConfigEntry[] = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'delete.retention.ms', value: String(10 * 365 * 24 * 3_600_000) },
];

const wire = z.object({
  v: z.literal(1),
  kekId: z.string().min(1),
  wrapped: z.base64().min(1),
  createdAt: z.iso.datetime({ offset: true }),
});

/** The JSON text of a record: the keys topic's value and the Redis cache's field value. */
export function encodeKeyRecord(record: DataKeyRecord): string {
  return JSON.stringify({
    v: 1,
    kekId: record.kekId,
    wrapped: record.wrapped.toString('base64'),
    createdAt: record.createdAt,
  });
}

export function decodeKeyRecord(text: string | Buffer): DataKeyRecord {
  let json: unknown;
  try {
    json = JSON.parse(text.toString());
  } catch (error) {
    throw new KeysRecordError('a keys record is not JSON', { cause: error });
  }
  const parsed = wire.safeParse(json);
  if (!parsed.success)
    throw new KeysRecordError(`a keys record is invalid: ${parsed.error.issues.map(describe).join('; ')}`);
  const { kekId, wrapped, createdAt } = parsed.data;
  return { kekId, wrapped: Buffer.from(wrapped, 'base64'), createdAt };
}

const describe = (issue: z.core.$ZodIssue): string => `${issue.path.join('.') || 'value'}: ${issue.message}`;

export function keyMessage(correlationId: string, record: DataKeyRecord): ProducedRecord {
  return { key: Buffer.from(correlationId, 'utf8'), value: Buffer.from(encodeKeyRecord(record), 'utf8') };
}

export function tombstoneMessage(correlationId: string): ProducedRecord {
  return { key: Buffer.from(correlationId, 'utf8'), value: null };
}

/** A consumed message of the keys topic; throws KeysRecordError when it has no key or an invalid value. */
export function decodeKeysMessage(message: { readonly key: Buffer | null; readonly value: Buffer | null }): {
  readonly correlationId: string;
  readonly entry: KeysEntry;
} {
  if (message.key === null || message.key.length === 0)
    throw new KeysRecordError('a keys record has no key (the key is the correlation id)');
  const correlationId = message.key.toString('utf8');
  if (message.value === null) return { correlationId, entry: { kind: 'erased' } };
  return { correlationId, entry: { kind: 'key', ...decodeKeyRecord(message.value) } };
}
