import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { commandPartition, commandPartitioner, murmur2 } from './command-partition';

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
