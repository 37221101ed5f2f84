import { randomBytes } from 'node:crypto';
import { commandId, correlationId, type Command } from '../../core';
import { isEncrypted } from '../../platform/crypto';
import { reveal } from '../../platform/crypto/sensitive-leaves';
import { sealingCommands } from './command-sealer';

const dataKey = randomBytes(32);
const envelope = {
  commandId: commandId('c-1'),
  correlationId: correlationId('order-1'),
  workflow: 'order-saga',
  actor: 'alice',
  timestamp: 1,
  expectedSeq: null,
  sourceSeq: null,
};

function sealer() {
  const asked: string[] = [];
  const sealing = sealingCommands(new Set(['email', 'cardNumber']), async (command) => {
    asked.push(command.correlationId);
    return dataKey;
  });
  return { sealing, asked };
}

test("a start's sensitive input fields are sealed under the instance's key and open again with it", async () => {
  const { sealing, asked } = sealer();
  const input = { orderId: 'o-1', customer: { email: 'ada@example.com' }, payment: { cardNumber: '4111' } };
  const sealed = await sealing.seal({ ...envelope, type: 'start', input, version: null });
  if (sealed.type !== 'start') throw new Error('not a start');
  const fields = sealed.input as typeof input;
  expect(isEncrypted(fields.customer.email)).toBe(true);
  expect(isEncrypted(fields.payment.cardNumber)).toBe(true);
  expect(fields.orderId).toBe('o-1');
  expect(reveal(sealed.input, { dataKey, aad: 'order-1' })).toEqual(input);
  expect(asked).toEqual(['order-1']);
});

test("a signal's payload is sealed the same way", async () => {
  const { sealing } = sealer();
  const payload = { contact: { email: 'bob@example.com' }, note: 'call me' };
  const sealed = await sealing.seal({ ...envelope, type: 'signal', event: 'contact-changed', payload });
  expect(JSON.stringify(sealed)).not.toContain('bob@example.com');
  expect(JSON.stringify(sealed)).toContain('call me');
});

test('a command without sensitive fields is published as it is, without asking for a key', async () => {
  const { sealing, asked } = sealer();
  const commands: Command[] = [
    { ...envelope, type: 'signal', event: 'address-changed', payload: { address: 'Elm St 2' } },
    { ...envelope, type: 'cancel', reason: 'customer asked' },
    { ...envelope, type: 'admin', action: 'erase' },
  ];
  for (const command of commands) expect(await sealing.seal(command)).toEqual(command);
  expect(asked).toEqual([]);
});
