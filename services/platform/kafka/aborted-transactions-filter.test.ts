import { withoutAbortedRecords } from './aborted-transactions-filter';

const record = (offset: number, producerId: string, key: string, inTransaction = true) => ({
  offset: String(offset),
  key: Buffer.from(key),
  isControlRecord: false,
  batchContext: { producerId, inTransaction },
});
const marker = (offset: number, producerId: string, abort: boolean) => ({
  offset: String(offset),
  key: Buffer.from([0, 0, 0, abort ? 0 : 1]),
  isControlRecord: true,
  batchContext: { producerId, inTransaction: true },
});
const keys = (records: ReturnType<typeof withoutAbortedRecords>) =>
  records.filter((r) => !r.isControlRecord).map((r) => r.key!.toString());

describe('withoutAbortedRecords', () => {
  it('drops a record of the second of two aborted transactions that both began before the fetch', () => {
    // 0: a1 (A), 1: b1 (B), 2: A aborts, 3: B aborts, 4: c1; fetched from offset 1.
    const fetched = [
      record(1, 'B', 'b1'),
      marker(2, 'A', true),
      marker(3, 'B', true),
      record(4, 'C', 'c1', false),
    ];
    const aborted = [
      { producerId: 'A', firstOffset: '0' },
      { producerId: 'B', firstOffset: '1' },
    ];
    expect(keys(withoutAbortedRecords({ messages: fetched, abortedTransactions: aborted }))).toEqual(['c1']);
  });

  it("keeps a producer's committed transaction after its aborted one", () => {
    const fetched = [record(0, 'A', 'a1'), marker(1, 'A', true), record(2, 'A', 'a2'), marker(3, 'A', false)];
    const aborted = [{ producerId: 'A', firstOffset: '0' }];
    expect(keys(withoutAbortedRecords({ messages: fetched, abortedTransactions: aborted }))).toEqual(['a2']);
  });

  it('keeps records outside transactions and a record whose key looks like a marker', () => {
    const fetched = [
      record(0, 'A', 'a1'),
      record(1, 'B', '\u0000\u0000\u0000\u0000', false),
      marker(2, 'A', true),
    ];
    const aborted = [{ producerId: 'A', firstOffset: '0' }];
    expect(keys(withoutAbortedRecords({ messages: fetched, abortedTransactions: aborted }))).toEqual([
      '\u0000\u0000\u0000\u0000',
    ]);
  });

  it("is the filter kafkajs' consumer batches use", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Batch = require('kafkajs/src/consumer/batch') as new (
      topic: string,
      fetchedOffset: string,
      partitionData: object,
    ) => { messages: ReturnType<typeof withoutAbortedRecords> };
    const fetched = [
      record(1, 'B', 'b1'),
      marker(2, 'A', true),
      marker(3, 'B', true),
      record(4, 'C', 'c1', false),
    ];
    const batch = new Batch('topic', '1', {
      partition: 0,
      highWatermark: '5',
      abortedTransactions: [
        { producerId: 'A', firstOffset: '0' },
        { producerId: 'B', firstOffset: '1' },
      ],
      messages: fetched,
    });
    expect(keys(batch.messages)).toEqual(['c1']);
  });

  it('without aborted transactions keeps everything', () => {
    const fetched = [record(0, 'A', 'a1'), marker(1, 'A', false)];
    expect(withoutAbortedRecords({ messages: fetched })).toEqual(fetched);
  });
});
