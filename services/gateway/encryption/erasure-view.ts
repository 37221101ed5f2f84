// What a response may show of an instance's encrypted fields: never their plaintext. Once the instance's data key
// is erased every token reads `[erased]`, so readers can tell erasure from redaction; until then tokens stay
// tokens, and redaction hides them like any other sensitive value.
import type { JsonValue } from '../../core';
import type { KeyLookup } from '../../platform/crypto';
import { reveal } from '../../platform/crypto/sensitive-leaves';

/** Rewrites a value read from the log before it is redacted. */
export type Shown = (value: JsonValue) => JsonValue;

/** The rewrite for one instance. */
export type ErasureView = (correlationId: string) => Shown;

export const AS_STORED: Shown = (value) => value;

export const NO_ERASURE: ErasureView = () => AS_STORED;

const asErased: Shown = (value) => reveal(value, 'erased');

/** Asks the keys table, which keeps every tombstone it has read. */
export function erasureView(table: KeyLookup): ErasureView {
  return (correlationId) => (table.lookup(correlationId)?.kind === 'erased' ? asErased : AS_STORED);
}
