// Input the orchestrator must dead-letter without stopping: random bytes, an unknown schema id,
// an unknown workflow and an invalid payload, in turn.
import type { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import type { CommandEnvelope } from '../../services/platform/codec/command-envelope';

export function poisonMessages(
  codec: EnvelopeCodec,
  count: number,
  salt: number,
): { key: string; value: Buffer }[] {
  const envelope = (id: string, over: Partial<CommandEnvelope>): CommandEnvelope => ({
    commandId: id,
    correlationId: id,
    workflow: 'order-saga',
    type: 'signal',
    actor: 'chaos-driver',
    timestamp: Date.now(),
    expectedSeq: null,
    sourceSeq: null,
    body: JSON.stringify({ event: 'customer-note', payload: { note: 'x' } }),
    ...over,
  });
  const kinds = [
    () => Buffer.from(`random bytes ${salt}`),
    () => Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]), Buffer.from('unknown schema id')]),
    (id: string) => codec.encode('command', envelope(id, { workflow: 'no-such-workflow' })),
    (id: string) =>
      codec.encode(
        'command',
        envelope(id, { type: 'start', body: JSON.stringify({ input: { orderId: 42 } }) }),
      ),
  ];
  return Array.from({ length: count }, (_, i) => {
    const id = `poison-${salt}-${i}`;
    return { key: id, value: kinds[i % kinds.length]!(id) };
  });
}
