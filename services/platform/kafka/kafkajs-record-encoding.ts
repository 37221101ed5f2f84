// kafkajs 2.2.4 encodes every record into a fresh zero-filled 512-byte buffer, grows each of its buffers by a
// zero-filled copy, and checksums every record batch (CRC32C) one byte at a time; under load these show at the top
// of the orchestrator's profile. The zero-filling is wasted: an encoder's buffer is only ever read up to its offset,
// and each write fills every byte it moves the offset over. This module puts in kafkajs' place an encoder whose
// buffers are not filled (small ones come from Node's buffer pool) and crc-32's CRC32C, which reads sixteen bytes a
// step. Both are put in Node's module cache like the other replacements of this folder (kafkajs-module-replacement.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
import crc32c from 'crc-32/crc32c';
import { replaceKafkajsModules } from './kafkajs-module-replacement';

interface EncoderState {
  buf: Buffer;
  offset: number;
}

interface EncoderClass {
  new (initialSize?: number): EncoderState;
  prototype: EncoderState & { ensureAvailable(this: EncoderState, length: number): void };
  nextPowerOfTwo(value: number): number;
}

const KafkajsEncoder = require('kafkajs/src/protocol/encoder') as EncoderClass;

/** Grows the buffer to the next power of two that holds `length` more bytes, copying only what was written. */
function ensureAvailable(this: EncoderState, length: number): void {
  if (this.offset + length <= this.buf.length) return;
  const grown = Buffer.allocUnsafe(KafkajsEncoder.nextPowerOfTwo(this.offset + length));
  this.buf.copy(grown, 0, 0, this.offset);
  this.buf = grown;
}

/** kafkajs' encoder with an unfilled first buffer; it shares kafkajs' prototype, so its methods and `instanceof`. */
export const UnfilledEncoder = function (this: EncoderState, initialSize = 511): void {
  this.buf = Buffer.allocUnsafe(KafkajsEncoder.nextPowerOfTwo(initialSize));
  this.offset = 0;
} as unknown as EncoderClass;
UnfilledEncoder.prototype = KafkajsEncoder.prototype;
Object.setPrototypeOf(UnfilledEncoder, KafkajsEncoder);
KafkajsEncoder.prototype.ensureAvailable = ensureAvailable;

/** The CRC32C (Castagnoli) of `buffer` as an unsigned 32-bit integer, as kafkajs' record batch writes it. */
export const recordBatchCrc32c = (buffer: Buffer): number => crc32c.buf(buffer) >>> 0;

/** Whether kafkajs' modules loaded after this one encode with `UnfilledEncoder` and checksum with `recordBatchCrc32c`. */
export const recordEncodingInstalled: boolean = replaceKafkajsModules([
  ['kafkajs/src/protocol/encoder', 'kafkajs/src/protocol/recordBatch/record/v0', UnfilledEncoder],
  ['kafkajs/src/protocol/recordBatch/crc32C', 'kafkajs/src/protocol/recordBatch/v0', recordBatchCrc32c],
]);
