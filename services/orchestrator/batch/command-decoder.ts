// Turns consumed command records into InboundCommands: decode failures become dead-letter values, except a
// registry that cannot answer, which is thrown (retriable) so the batch is retried rather than dead-lettered.
import type { KafkaMessage } from 'kafkajs';
import { UndecodableError, UnknownSchemaError } from '../../platform/codec/codec-error';
import { fromCommandEnvelope, type CommandEnvelope } from '../../platform/codec/command-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { Decoded, InboundCommand } from './inbound-command';

async function decode(codec: EnvelopeCodec, value: Buffer | null): Promise<Decoded> {
  let envelope: CommandEnvelope;
  try {
    envelope = (await codec.decode('command', value)) as CommandEnvelope;
  } catch (error) {
    if (error instanceof UndecodableError || error instanceof UnknownSchemaError) {
      return { ok: false, code: error.code, reason: error.message };
    }
    throw error;
  }
  const shape = fromCommandEnvelope(envelope);
  return shape.ok ? shape : { ok: false, code: 'invalid-command', reason: shape.message };
}

export async function decodeCommands(
  codec: EnvelopeCodec,
  messages: readonly KafkaMessage[],
): Promise<InboundCommand[]> {
  const inbound: InboundCommand[] = [];
  for (const message of messages) {
    inbound.push({
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
      decoded: await decode(codec, message.value),
    });
  }
  return inbound;
}
