// kafkajs 2.2.4 builds a produce request piece by piece: an encoder per record, copied into one per record batch,
// copied into one per partition, per topic and per request, then twice more to frame it, each grown by doubling.
// For uncompressed records of string or Buffer keys, values and headers and integer timestamps (all statewright
// sends), this writes the request once into one buffer sized in advance, with room left at its front for the frame,
// which is then written in place; the bytes are kafkajs'. Any other request is left to kafkajs' own code, and framed
// with one copy. Both are put in Node's module cache as in kafkajs-module-replacement.ts.
/* eslint-disable @typescript-eslint/no-require-imports */
import { recordBatchCrc32c, UnfilledEncoder } from './kafkajs-record-encoding';
import { replaceKafkajsModules } from './kafkajs-module-replacement';

type Bytes = Buffer | string;
type Int64 = number | string | object;

interface Message {
  readonly key?: Bytes | null;
  readonly value: Bytes | null;
  readonly headers?: Readonly<Record<string, Bytes | readonly Bytes[]>>;
  readonly timestamp?: number | string;
}

interface ProduceArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  readonly producerId?: Int64;
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly {
    readonly topic: string;
    readonly partitions: readonly {
      readonly partition: number;
      readonly firstSequence?: number;
      readonly messages: readonly Message[];
    }[];
  }[];
}

interface EncodedPayload {
  readonly buffer: Buffer;
}

interface ProduceRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly apiName: string;
  expectResponse(): boolean;
  encode(): Promise<EncodedPayload>;
}

/** A request this module writes: `encodeAfter` writes it after `head` bytes left for its frame. */
interface FramedInPlace {
  encodeAfter(head: number): Buffer;
}

interface Long {
  getHighBits(): number;
  getLowBits(): number;
}

const kafkajsProduceRequest = require('kafkajs/src/protocol/requests/produce/v3/request') as (
  args: ProduceArgs,
) => ProduceRequest;
const LongType = require('kafkajs/src/utils/long') as {
  fromValue(value: Int64): Long;
  fromInt(value: number): Long;
};
const { Produce: PRODUCE } = require('kafkajs/src/protocol/requests/apiKeys') as { Produce: number };
const NO_COMPRESSION = 0;
const TRANSACTIONAL = 16;
const MAGIC = 2;

type RequestFrame = (args: {
  correlationId: number;
  clientId: string | null;
  request: { apiKey: number; apiVersion: number; encode(): Promise<EncodedPayload> } & Partial<FramedInPlace>;
}) => Promise<EncodedPayload>;

/** kafkajs' produce request, version 3, whose `encode` writes uncompressed records in one pass. */
export function produceRequest(args: ProduceArgs): ProduceRequest & Partial<FramedInPlace> {
  if ((args.compression ?? NO_COMPRESSION) !== NO_COMPRESSION || !onePassWritable(args))
    return kafkajsProduceRequest(args);
  return {
    apiKey: PRODUCE,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => args.acks !== 0,
    encode: async () => encoded(writeProduce(args, 0)),
    encodeAfter: (head) => writeProduce(args, head),
  };
}

/**
 * kafkajs' request frame (size, api key and version, correlation id, client id, then the request): written in
 * place in front of a request of this module, else with one copy of the request's bytes.
 */
export const requestFrame: RequestFrame = async ({ correlationId, clientId, request }) => {
  const head = 4 + 2 + 2 + 4 + stringSize(clientId);
  let framed = request.encodeAfter?.(head);
  if (framed === undefined) {
    const payload = (await request.encode()).buffer;
    framed = Buffer.allocUnsafe(head + payload.length);
    payload.copy(framed, head);
  }
  const out = new Writer(framed);
  out.int32(framed.length - 4);
  out.int16(request.apiKey);
  out.int16(request.apiVersion);
  out.int32(correlationId);
  out.string(clientId);
  return encoded(framed);
};

const isBytes = (value: unknown): value is Bytes => typeof value === 'string' || Buffer.isBuffer(value);

/** Whether every key, value, header and timestamp is one this writer handles as kafkajs does. */
function onePassWritable({ topicData }: ProduceArgs): boolean {
  for (const { partitions } of topicData)
    for (const { messages } of partitions)
      for (const { key, value, headers, timestamp } of messages) {
        if (!(key == null || isBytes(key)) || !(value === null || isBytes(value))) return false;
        if (!(timestamp === undefined || timestamp === null || integerTimestamp(timestamp))) return false;
        if (headers === undefined) continue;
        if (headers === null || typeof headers !== 'object') return false;
        for (const name of Object.keys(headers)) {
          const header = headers[name];
          if (!(Array.isArray(header) ? header.every(isBytes) : isBytes(header))) return false;
        }
      }
  return true;
}

/**
 * A timestamp that kafkajs' arithmetic (a number, or a string it subtracts as a number) and its int64 writing (a
 * number, or a string it parses as decimal) read as the same integer: a safe integer, or one written in plain digits.
 */
function integerTimestamp(timestamp: number | string): boolean {
  if (typeof timestamp === 'number') return Number.isSafeInteger(timestamp);
  return /^(0|[1-9][0-9]{0,14})$/.test(timestamp);
}

/** `buffer` as kafkajs' encoders hand it over. */
function encoded(buffer: Buffer): EncodedPayload {
  const encoder = new UnfilledEncoder(0);
  encoder.buf = buffer;
  encoder.offset = buffer.length;
  return encoder as unknown as EncodedPayload;
}

interface PartitionBatch {
  readonly partition: number;
  readonly firstSequence: number;
  readonly firstTimestamp: Int64;
  readonly maxTimestamp: Int64;
  readonly records: readonly SizedRecord[];
  /** Bytes of the record batch from its attributes on: what its checksum covers. */
  readonly checkedSize: number;
}

interface SizedRecord {
  readonly message: Message;
  readonly headers: readonly (readonly [string, Bytes])[];
  readonly timestampDelta: number;
  readonly bodySize: number;
}

// Record batch: base offset (8), batch length (4), partition leader epoch (4), magic (1), CRC (4), then the checked
// part: attributes (2), last offset delta (4), first and max timestamps (16), producer id (8), producer epoch (2),
// base sequence (4) and the record count (4) before the records.
const BATCH_HEAD = 8 + 4 + 4 + 1 + 4;
const CHECKED_HEAD = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

/** The request, after `head` bytes left unwritten at the front of the buffer. */
function writeProduce(args: ProduceArgs, head: number): Buffer {
  const transactional =
    args.transactionalId !== null && args.transactionalId !== undefined && args.transactionalId !== '';
  const topics = args.topicData.map(({ topic, partitions }) => ({
    topic,
    batches: partitions.map(batchOf),
  }));
  let size = stringSize(args.transactionalId ?? null) + 2 + 4 + 4;
  for (const { topic, batches } of topics) {
    size += stringSize(topic) + 4;
    for (const batch of batches) size += 4 + 4 + BATCH_HEAD + batch.checkedSize;
  }
  const out = new Writer(head + size);
  out.pos = head;
  out.string(args.transactionalId ?? null);
  out.int16(args.acks);
  out.int32(args.timeout);
  out.int32(topics.length);
  const producerId = LongType.fromValue(args.producerId ?? LongType.fromInt(-1));
  for (const { topic, batches } of topics) {
    out.string(topic);
    out.int32(batches.length);
    for (const batch of batches) {
      out.int32(batch.partition);
      out.int32(BATCH_HEAD + batch.checkedSize);
      out.int64(0);
      out.int32(4 + 1 + 4 + batch.checkedSize);
      out.int32(0);
      out.int8(MAGIC);
      const crcAt = out.pos;
      out.pos += 4;
      const checkedFrom = out.pos;
      out.int16(transactional ? TRANSACTIONAL : 0);
      out.int32(batch.records.length - 1);
      out.int64(batch.firstTimestamp);
      out.int64(batch.maxTimestamp);
      out.long(producerId);
      out.int16(args.producerEpoch ?? 0);
      out.int32(batch.firstSequence);
      out.int32(batch.records.length);
      batch.records.forEach((record, offsetDelta) => writeRecord(out, record, offsetDelta));
      out.buf.writeUInt32BE(recordBatchCrc32c(out.buf.subarray(checkedFrom, out.pos)), crcAt);
    }
  }
  return out.buf;
}

/** A partition's records, sized, with kafkajs' timestamps: the first and last of their sort, else now. */
function batchOf({
  partition,
  firstSequence = 0,
  messages,
}: ProduceArgs['topicData'][number]['partitions'][number]): PartitionBatch {
  const now = Date.now();
  const timestamps = messages
    .map((m) => m.timestamp)
    .filter((timestamp) => timestamp !== null && timestamp !== undefined)
    .sort();
  const firstTimestamp = timestamps.length === 0 ? now : timestamps[0]!;
  const maxTimestamp = timestamps.length === 0 ? now : timestamps[timestamps.length - 1]!;
  let checkedSize = CHECKED_HEAD;
  const records = messages.map((message): SizedRecord => {
    const timestampDelta = Number(message.timestamp || now) - Number(firstTimestamp);
    const headers = headersOf(message);
    let bodySize =
      1 + varLongSize(timestampDelta) + varIntBytesSize(message.key) + varIntBytesSize(message.value);
    bodySize += varIntSize(headers.length);
    for (const [name, value] of headers) bodySize += varIntBytesSize(name) + varIntBytesSize(value);
    return { message, headers, timestampDelta, bodySize };
  });
  records.forEach((record, offsetDelta) => {
    const body = record.bodySize + varIntSize(offsetDelta);
    checkedSize += varIntSize(body) + body;
  });
  return { partition, firstSequence, firstTimestamp, maxTimestamp, records, checkedSize };
}

function headersOf({ headers }: Message): (readonly [string, Bytes])[] {
  if (headers === undefined) return [];
  return Object.keys(headers).flatMap((name) => {
    const header = headers[name]!;
    return Array.isArray(header)
      ? (header as readonly Bytes[]).map((value) => [name, value] as const)
      : [[name, header as Bytes] as const];
  });
}

function writeRecord(
  out: Writer,
  { message, headers, timestampDelta, bodySize }: SizedRecord,
  offsetDelta: number,
) {
  out.varInt(bodySize + varIntSize(offsetDelta));
  out.int8(0);
  out.varLong(timestampDelta);
  out.varInt(offsetDelta);
  out.varIntBytes(message.key ?? null);
  out.varIntBytes(message.value);
  out.varInt(headers.length);
  for (const [name, value] of headers) {
    out.varIntBytes(name);
    out.varIntBytes(value);
  }
}

const byteLength = (value: Bytes) =>
  typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
const stringSize = (value: string | null) => 2 + (value === null ? 0 : Buffer.byteLength(value, 'utf8'));
const zigZag = (value: number) => (value >= 0 ? value * 2 : -value * 2 - 1);

/** Bytes of `value` zig-zag encoded as a varint; kafkajs encodes 32-bit varints from an int32. */
function varIntSize(value: number): number {
  return unsignedVarIntSize(zigZag(value | 0));
}

function varLongSize(value: number): number {
  return unsignedVarIntSize(zigZag(value));
}

function unsignedVarIntSize(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    bytes++;
  }
  return bytes;
}

function varIntBytesSize(value: Bytes | null | undefined): number {
  if (value === null || value === undefined) return varIntSize(-1);
  const length = byteLength(value);
  return varIntSize(length) + length;
}

/** A buffer of known size written front to back: a new one, or `size` itself, written from its start. */
class Writer {
  readonly buf: Buffer;
  pos = 0;

  constructor(size: number | Buffer) {
    this.buf = typeof size === 'number' ? Buffer.allocUnsafe(size) : size;
  }

  int8(value: number): void {
    this.pos = this.buf.writeInt8(value, this.pos);
  }

  int16(value: number): void {
    this.pos = this.buf.writeInt16BE(value, this.pos);
  }

  int32(value: number): void {
    this.pos = this.buf.writeInt32BE(value, this.pos);
  }

  int64(value: Int64): void {
    this.long(LongType.fromValue(value));
  }

  long(value: Long): void {
    this.int32(value.getHighBits());
    this.int32(value.getLowBits());
  }

  /** A string with an int16 length, -1 for null. */
  string(value: string | null): void {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
  }

  varInt(value: number): void {
    this.unsignedVarInt(zigZag(value | 0));
  }

  varLong(value: number): void {
    this.unsignedVarInt(zigZag(value));
  }

  varIntBytes(value: Bytes | null): void {
    if (value === null) return this.varInt(-1);
    if (typeof value === 'string') {
      const length = Buffer.byteLength(value, 'utf8');
      this.varInt(length);
      this.pos += this.buf.write(value, this.pos, length, 'utf8');
    } else {
      this.varInt(value.length);
      this.pos += value.copy(this.buf, this.pos);
    }
  }

  private unsignedVarInt(value: number): void {
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
  }
}

/** Whether kafkajs' connections and producers loaded after this module frame and write with the functions above. */
export const produceRequestInstalled: boolean = replaceKafkajsModules([
  [
    'kafkajs/src/protocol/requests/produce/v3/request',
    'kafkajs/src/protocol/requests/produce/v4/request',
    produceRequest,
  ],
  ['kafkajs/src/protocol/request', 'kafkajs/src/network/connection', requestFrame],
]);
