/* eslint-disable @typescript-eslint/no-require-imports */
import fc from 'fast-check';
import { recordBatchCrc32c, UnfilledEncoder } from './kafkajs-record-encoding';

/** kafkajs' own byte-at-a-time CRC32C, which the replacement must equal. */
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as (buffer: Buffer) => number;

interface Encoder {
  readonly buffer: Buffer;
  buf: Buffer;
  writeInt8(value: number): Encoder;
  writeInt16(value: number): Encoder;
  writeInt32(value: number): Encoder;
  writeInt64(value: string): Encoder;
  writeBoolean(value: boolean): Encoder;
  writeString(value: string | null): Encoder;
  writeVarIntString(value: string | null): Encoder;
  writeBytes(value: Buffer | null): Encoder;
  writeVarIntBytes(value: Buffer | null): Encoder;
  writeVarInt(value: number): Encoder;
  writeVarLong(value: string): Encoder;
  writeEncoder(value: Encoder): Encoder;
}
const newEncoder = (initialSize?: number) => new UnfilledEncoder(initialSize) as unknown as Encoder;

type Write = (encoder: Encoder) => void;
const write: fc.Arbitrary<Write> = fc.oneof(
  fc.integer({ min: -128, max: 127 }).map((v) => (e: Encoder) => void e.writeInt8(v)),
  fc.integer({ min: -32768, max: 32767 }).map((v) => (e: Encoder) => void e.writeInt16(v)),
  fc.integer().map((v) => (e: Encoder) => void e.writeInt32(v)),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .map((v) => (e: Encoder) => void e.writeInt64(String(v))),
  fc.boolean().map((v) => (e: Encoder) => void e.writeBoolean(v)),
  fc
    .option(fc.string({ unit: 'grapheme', maxLength: 300 }))
    .map((v) => (e: Encoder) => void e.writeString(v)),
  fc.option(fc.string({ maxLength: 300 })).map((v) => (e: Encoder) => void e.writeVarIntString(v)),
  fc
    .option(fc.uint8Array({ maxLength: 3000 }))
    .map((v) => (e: Encoder) => void e.writeBytes(v === null ? null : Buffer.from(v))),
  fc
    .option(fc.uint8Array({ maxLength: 3000 }))
    .map((v) => (e: Encoder) => void e.writeVarIntBytes(v === null ? null : Buffer.from(v))),
  fc.integer().map((v) => (e: Encoder) => void e.writeVarInt(v)),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .map((v) => (e: Encoder) => void e.writeVarLong(String(v))),
  fc
    .uint8Array({ maxLength: 600 })
    .map((v) => (e: Encoder) => void e.writeEncoder(newEncoder().writeVarIntBytes(Buffer.from(v)))),
);

/** The bytes of `writes` on an encoder whose first buffer (large enough never to grow) is filled with `fill`. */
function encodedOver(fill: number, writes: readonly Write[]): Buffer {
  const encoder = newEncoder(1 << 20);
  encoder.buf.fill(fill);
  for (const w of writes) w(encoder);
  return Buffer.from(encoder.buffer);
}

describe('UnfilledEncoder', () => {
  it('writes every byte up to its offset, whatever its buffers held before, growing or not', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), (writes) => {
        const growing = newEncoder();
        for (const w of writes) w(growing);
        const zeros = encodedOver(0x00, writes);
        expect(encodedOver(0xaa, writes)).toEqual(zeros);
        expect(Buffer.from(growing.buffer)).toEqual(zeros);
      }),
      { numRuns: 300 },
    );
  });

  it("encodes a record batch that kafkajs' decoder reads back, with a checksum over its bytes", async () => {
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
      RecordBatch: (batch: object) => Promise<Encoder>;
    };
    const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => object;
    const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
      decoder: object,
    ) => Promise<{ records: { key: Buffer; value: Buffer; headers: Record<string, Buffer> }[] }>;
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => Encoder;
    const messages = Array.from({ length: 50 }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.from('v'.repeat(40 * i)),
      headers: { h: Buffer.from(String(i)) },
    }));
    const batch = await RecordBatch({
      records: messages.map((m, i) => Record({ ...m, offsetDelta: i })),
      lastOffsetDelta: messages.length - 1,
    });
    const bytes = batch.buffer;
    // FirstOffset (8), Length (4), PartitionLeaderEpoch (4), Magic (1), CRC (4), then what the CRC covers.
    expect(bytes.readUInt32BE(17)).toBe(kafkajsCrc32c(bytes.subarray(21)));
    const decoded = await decodeBatch(new Decoder(bytes));
    expect(decoded.records.map(({ key, value, headers }) => ({ key, value, headers }))).toEqual(messages);
  });
});

describe('recordBatchCrc32c', () => {
  it('is the CRC32C of the check string', () => {
    expect(recordBatchCrc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it("equals kafkajs' own CRC32C on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        expect(recordBatchCrc32c(buffer)).toBe(kafkajsCrc32c(buffer));
      }),
      { numRuns: 500 },
    );
  });
});
