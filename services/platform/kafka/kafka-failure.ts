// Classifies kafkajs errors by the protocol error they carry, looking through kafkajs' retry wrappers, and retries
// one request while its error is one that a short wait mends.
import { setTimeout as delay } from 'node:timers/promises';

export interface Carrier {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

/** The error and its causes, outermost first (kafkajs wraps retried errors in others). */
function* chain(error: unknown): Generator<Carrier> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const carrier = current as Carrier;
    yield carrier;
    current = carrier.cause ?? carrier.originalError;
  }
}

/** Whether the error or one of its causes passes `test`. */
export function anyCause(error: unknown, test: (carrier: Carrier) => boolean): boolean {
  for (const carrier of chain(error)) if (test(carrier)) return true;
  return false;
}

const FENCED_TYPES = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);
/** PRODUCER_FENCED (90) is newer than kafkajs' error table; it arrives as an unknown code. */
const FENCED_CODES = new Set([47, 90]);

/** Another producer initialised the same transactionalId: this process no longer owns the partition. */
export function isFenced(error: unknown): boolean {
  return anyCause(
    error,
    ({ type, code }) =>
      (typeof type === 'string' && FENCED_TYPES.has(type)) ||
      (typeof code === 'number' && FENCED_CODES.has(code)),
  );
}

/** The broker no longer holds this idempotent producer's sequence numbers where kafkajs expects them. */
const SEQUENCE_LOST_TYPES = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID']);

/**
 * An idempotent producer's sequence numbers and the partition leader's disagree (seen after broker kills). kafkajs
 * takes it for a lasting failure and sends every later record of that partition with the same numbers, so each
 * fails too: only a producer with a new producer id writes there again.
 */
export function isSequenceLost(error: unknown): boolean {
  return anyCause(error, ({ type }) => typeof type === 'string' && SEQUENCE_LOST_TYPES.has(type));
}

/**
 * kafkajs could not find the consumer group's coordinator: what a broker answers while it restarts or loads its
 * coordinator's partitions. kafkajs takes it for a lasting failure and does not restart the consumer.
 */
export function isCoordinatorNotFound(error: unknown): boolean {
  return anyCause(error, ({ name }) => name === 'KafkaJSGroupCoordinatorNotFound');
}

/** kafkajs' names for a group coordinator that moved, is not available yet, or is still loading its groups. */
const GROUP_COORDINATOR_CHANGING_TYPES = new Set([
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'GROUP_LOAD_IN_PROGRESS',
]);

/**
 * The consumer group's coordinator moved, is not available yet or is still loading (after a broker failover or
 * start). kafkajs' transaction manager means to find the coordinator again and retry TxnOffsetCommit on these, but
 * it tests the protocol's names (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS), which
 * its own error table never gives: it gives up at the first one.
 */
export function isGroupCoordinatorChanging(error: unknown): boolean {
  return anyCause(
    error,
    ({ type }) => typeof type === 'string' && GROUP_COORDINATOR_CHANGING_TYPES.has(type),
  );
}

export function isConcurrentTransactions(error: unknown): boolean {
  return anyCause(error, ({ type }) => type === 'CONCURRENT_TRANSACTIONS');
}

/** The broker does not know the topic (yet): metadata of a topic just created can lag behind its creation. */
export function isUnknownTopic(error: unknown): boolean {
  return anyCause(error, ({ type }) => type === 'UNKNOWN_TOPIC_OR_PARTITION');
}

/** The broker refused a record or batch for its size (message.max.bytes / max.message.bytes): retrying cannot help. */
export function isRefusedForSize(error: unknown): boolean {
  return anyCause(error, ({ type }) => type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE');
}

/**
 * `operation`, tried again while it fails with an error `transient` accepts, at most `attempts` times in all, with a
 * pause of `pauseMs(attempt)` after the attempt that failed; the last error is thrown.
 */
export async function retryingWhile<T>(
  transient: (error: unknown) => boolean,
  attempts: number,
  pauseMs: (attempt: number) => number,
  operation: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!transient(error) || attempt >= attempts) throw error;
      await delay(pauseMs(attempt));
    }
  }
}
