// The command id statewright publishes for a caller's idempotency key, through the gateway (Idempotency-Key) or
// the command client alike. Derived from the caller and the key, so one caller's keys never meet another's (none
// can block or probe keys it did not send), and shaped so it never equals an id statewright derives itself (a
// timer's `timer:…`, a task run's `<correlationId>/…#n`), whatever the key looks like.
import { createHash } from 'node:crypto';
import { commandId, type CommandId } from '../../core';

/** The keys a caller may send: 1 to 255 visible ASCII characters, as the gateway's Idempotency-Key header. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function clientCommandId(actor: string, idempotencyKey: string): CommandId {
  const digest = createHash('sha256').update(actor).update('\n').update(idempotencyKey).digest('base64url');
  return commandId(`http:${digest.slice(0, 32)}`);
}
