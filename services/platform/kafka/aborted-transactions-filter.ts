// kafkajs 2.2.4 drops the records of aborted transactions from a read_committed fetch by walking the records and
// taking at most one aborted transaction of the fetch response's list per record. When two producers' aborted
// transactions both began before a record (a fetch that starts after both began: the last stable offset moved
// past the first one's abort while the second was still open), the second is taken one record late, and that
// record, aborted, is handed out as committed. Readers of topics several transactional producers write (the
// DLQ, the audit log, commands forwarded between partitions) would see aborted records.
//
// This filter takes every aborted transaction that began at or before each record, as the Java client does, and
// ends one only at its producer's abort marker (a control record). kafkajs reads the filter once, when its
// consumer's batch module loads, so this module replaces it in Node's module cache first: every module of this
// folder that loads kafkajs imports this one before it. The test runner, whose module registry is its own, maps
// kafkajs' filter module to this function instead (jest.config.js).
import { replaceKafkajsModule } from './kafkajs-module-replacement';

interface AbortedTransaction {
  readonly producerId: string | number;
  readonly firstOffset: string | number;
}

interface FetchedRecord {
  readonly offset: string;
  readonly key?: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext: { readonly producerId: string | number; readonly inTransaction: boolean };
}

const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

const isAbortMarker = (record: FetchedRecord): boolean =>
  record.isControlRecord === true && record.key != null && Buffer.from(record.key).equals(ABORT_MARKER_KEY);

/** The records of `messages` (one partition, offset order) that no aborted transaction holds; markers stay. */
export function withoutAbortedRecords<R extends FetchedRecord>({
  messages,
  abortedTransactions,
}: {
  messages: readonly R[];
  abortedTransactions?: readonly AbortedTransaction[];
}): R[] {
  if (abortedTransactions === undefined || abortedTransactions.length === 0) return [...messages];
  const pending = [...abortedTransactions].sort((a, b) =>
    BigInt(a.firstOffset) < BigInt(b.firstOffset)
      ? -1
      : BigInt(a.firstOffset) > BigInt(b.firstOffset)
        ? 1
        : 0,
  );
  const aborting = new Set<string>();
  return messages.filter((record) => {
    const offset = BigInt(record.offset);
    while (pending.length > 0 && offset >= BigInt(pending[0]!.firstOffset)) {
      aborting.add(String(pending.shift()!.producerId));
    }
    const producer = String(record.batchContext.producerId);
    if (isAbortMarker(record)) {
      aborting.delete(producer);
      return true;
    }
    return !(record.batchContext.inTransaction && aborting.has(producer));
  });
}

/** Whether kafkajs' consumers loaded after this module filter with `withoutAbortedRecords`. */
export const abortedTransactionsFilterInstalled: boolean = replaceKafkajsModule(
  'kafkajs/src/consumer/filterAbortedMessages',
  'kafkajs/src/consumer/batch',
  withoutAbortedRecords,
);
