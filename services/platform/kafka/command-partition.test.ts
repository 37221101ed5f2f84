import fc from 'fast-check';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { commandPartition, commandPartitioner, keyPartitioner, murmur2 } from './command-partition';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));

describe('commandPartition', () => {
  it('matches the murmur2 values of Kafka’s Java client', () => {
    // Values from org.apache.kafka.common.utils.UtilsTest#testMurmur2.
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [text, expected] of cases) expect(murmur2(Buffer.from(text))).toBe(expected);
  });

  it('agrees with kafkajs’ DefaultPartitioner for every key and partition count', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const count of [1, 2, 3, 6, 12, 64]) {
      for (let i = 0; i < 500; i++) {
        const key = `order-${i}-${'x'.repeat(i % 7)}é`;
        const expected = partitioner({
          topic: 't',
          partitionMetadata: metadata(count),
          message: { key, value: null },
        });
        expect(commandPartition(key, count)).toBe(expected);
      }
    }
  });
});

describe('commandPartitioner', () => {
  const partition = commandPartitioner();
  it('puts a keyed record on its owner partition, and a record sent to a chosen partition there', () => {
    const message = { key: 'order-1', value: null };
    expect(partition({ topic: 't', partitionMetadata: metadata(6), message })).toBe(
      commandPartition('order-1', 6),
    );
    for (const chosen of [0, 3, 5]) {
      expect(
        partition({ topic: 't', partitionMetadata: metadata(6), message: { ...message, partition: chosen } }),
      ).toBe(chosen);
    }
  });
});

describe('keyPartitioner', () => {
  const key = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 600 }),
    fc.string({ unit: 'grapheme', maxLength: 400 }),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  );

  it('puts every keyed record where kafkajs’ DefaultPartitioner puts it, whatever the key’s length or bytes', () => {
    const ours = keyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(key, fc.integer({ min: 1, max: 200 }), (k, count) => {
        const args = { topic: 't', partitionMetadata: metadata(count), message: { key: k, value: null } };
        expect(ours(args)).toBe(theirs(args));
      }),
      { numRuns: 2_000 },
    );
  });

  it('hashes a key the same after a longer one has been hashed', () => {
    const long = 'x'.repeat(341);
    expect(commandPartition('order-é-1', 64)).toBe(commandPartition(Buffer.from('order-é-1'), 64));
    commandPartition(long, 64);
    expect(commandPartition('order-é-1', 64)).toBe(commandPartition(Buffer.from('order-é-1'), 64));
    expect(commandPartition(long, 64)).toBe(commandPartition(Buffer.from(long), 64));
    expect(commandPartition(`${long}é`, 64)).toBe(commandPartition(Buffer.from(`${long}é`), 64));
  });

  it('sends a record to its chosen partition, and records without a key round the partitions with a leader', () => {
    const partition = keyPartitioner();
    const partitions = metadata(6).map((entry) =>
      entry.partitionId === 2 ? { ...entry, leader: -1 } : entry,
    );
    expect(
      partition({
        topic: 't',
        partitionMetadata: partitions,
        message: { key: 'a', partition: 2, value: null },
      }),
    ).toBe(2);
    const seen = new Set(
      Array.from({ length: 50 }, () =>
        partition({ topic: 't', partitionMetadata: partitions, message: { value: null } }),
      ),
    );
    expect([...seen].sort()).toEqual([0, 1, 3, 4, 5]);
  });
});
