// Turns consumed command records into InboundCommands: each is decoded and parsed into the core's typed command
// once, here. Failures become dead-letter values, except a registry that cannot answer, which is thrown
// (retriable) so the batch is retried rather than dead-lettered.
import { parseCommand } from '../../core';
import { UndecodableError, UnknownSchemaError } from '../../platform/codec/codec-error';
import { fromCommandEnvelope, type CommandEnvelope } from '../../platform/codec/command-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { ConsumedRecord } from '../../platform/kafka/records';
import type { Decoded, InboundCommand } from './inbound-command';

async function decode(codec: EnvelopeCodec, value: Buffer | null): Promise<Decoded> {
  let envelope: CommandEnvelope;
  try {
    envelope = await codec.decode('command', value);
  } catch (error) {
    if (error instanceof UndecodableError || error instanceof UnknownSchemaError) {
      return { ok: false, code: error.code, reason: error.message };
    }
    throw error;
  }
  const shape = fromCommandEnvelope(envelope);
  if (!shape.ok) return { ok: false, code: 'invalid-command', reason: shape.message };
  const parsed = parseCommand(shape.command);
  return parsed.ok ? parsed : { ok: false, code: 'invalid-command', reason: parsed.message };
}

export async function decodeCommands(
  codec: EnvelopeCodec,
  records: readonly ConsumedRecord[],
): Promise<InboundCommand[]> {
  const inbound: InboundCommand[] = [];
  for (const record of records) {
    inbound.push({
      offset: record.offset,
      timestamp: record.timestamp,
      key: record.key,
      value: record.value,
      headers: record.headers ?? {},
      decoded: await decode(codec, record.value),
    });
  }
  return inbound;
}
