// Encrypts the sensitive fields of a JSON value (a context, a start input, a payload, a task input) with an
// instance's data key, and reads them back: each sensitive value becomes one self-describing string token.
//
// Paths are dotted and relative to the value given (`customer.email`). A segment names an object property;
// on an array, a decimal segment names one element (`items.0.card`); `*` names every element of an array
// or every property of an object (`items.*.card`). Segments cannot contain dots. A path that does not
// lead anywhere in the value is skipped.
import { ERASED } from '../../core';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { setOwn, type JsonObject, type JsonValue } from '../../core/json/json-value';
import { FieldDecryptError } from './crypto-error';
import { DATA_KEY_BYTES } from './key-encryption-key';

/** Tokens read `sw:enc:v1:<base64url of iv | ciphertext | tag>`; the plaintext is the value's JSON text. */
export const ENCRYPTED_PREFIX = 'sw:enc:v1:';
/** What a field shows once its instance's data key has been erased: the core's marker, shared by erasure. */
export { ERASED };

export interface FieldKey {
  readonly dataKey: Buffer;
  /** Bound into every token, so a token only decrypts in its own instance: pass the correlation id. */
  readonly aad: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A token carries at least one byte of JSON text: 12 + 1 + 16 bytes is 39 base64url characters. */
const TOKEN = /^sw:enc:v1:[A-Za-z0-9_-]{39,}$/;

/** True for a string shaped like a token; whether it decrypts is only known with the key. */
export function isEncrypted(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value) && (value.length - ENCRYPTED_PREFIX.length) % 4 !== 1;
}

/** True when some value anywhere inside is a token, i.e. reading it in full needs the instance's key. */
export function containsEncrypted(value: JsonValue): boolean {
  if (typeof value === 'string') return isEncrypted(value);
  if (value === null || typeof value !== 'object') return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(containsEncrypted);
}

/**
 * Replaces the value at each path by a token; values that already are tokens are left as they are, so
 * encrypting twice changes nothing. Returns a copy where something changed, never mutates `value`.
 */
export function encryptFields(value: JsonValue, paths: readonly string[], key: FieldKey): JsonValue {
  checkKey(key.dataKey);
  let result = value;
  for (const path of paths) {
    const segments = path.split('.').filter((segment) => segment !== '');
    if (segments.length > 0) result = encryptAt(result, segments, 0, key);
  }
  return result;
}

/**
 * Replaces every token anywhere in `value` by its plaintext, or by ERASED when the key is gone. A token
 * that fails authentication (tampered, another instance's, another key) throws FieldDecryptError.
 */
export function decryptFields(value: JsonValue, key: FieldKey | 'erased'): JsonValue {
  if (key !== 'erased') checkKey(key.dataKey);
  return decryptAll(value, key);
}

function encryptAt(value: JsonValue, segments: readonly string[], depth: number, key: FieldKey): JsonValue {
  if (depth === segments.length) return isEncrypted(value) ? value : encryptValue(value, key);
  const segment = segments[depth]!;
  const inner = (child: JsonValue) => encryptAt(child, segments, depth + 1, key);
  if (Array.isArray(value)) return mapArray(value, segment, inner);
  if (value !== null && typeof value === 'object') return mapObject(value, segment, inner);
  return value;
}

function decryptAll(value: JsonValue, key: FieldKey | 'erased'): JsonValue {
  if (typeof value === 'string') {
    if (!isEncrypted(value)) return value;
    // A whole object may have been encrypted after one of its fields was: its plaintext can hold tokens too.
    return key === 'erased' ? ERASED : decryptAll(decryptValue(value, key), key);
  }
  const all = (child: JsonValue) => decryptAll(child, key);
  if (Array.isArray(value)) return mapArray(value, '*', all);
  if (value !== null && typeof value === 'object') return mapObject(value, '*', all);
  return value;
}

/** Applies `f` to the elements `segment` selects; copies the array only when an element changed. */
function mapArray(array: JsonValue[], segment: string, f: (item: JsonValue) => JsonValue): JsonValue[] {
  const indexes =
    segment === '*'
      ? array.keys()
      : /^\d+$/.test(segment) && Number(segment) < array.length
        ? [Number(segment)]
        : [];
  let copy: JsonValue[] | undefined;
  for (const index of indexes) {
    const before = array[index]!;
    const after = f(before);
    if (after === before) continue;
    copy ??= [...array];
    copy[index] = after;
  }
  return copy ?? array;
}

/** Applies `f` to the properties `segment` selects; copies the object only when a property changed. */
function mapObject(object: JsonObject, segment: string, f: (item: JsonValue) => JsonValue): JsonObject {
  const keys = segment === '*' ? Object.keys(object) : Object.hasOwn(object, segment) ? [segment] : [];
  let copy: JsonObject | undefined;
  for (const name of keys) {
    const before = object[name]!;
    const after = f(before);
    if (after === before) continue;
    copy ??= copyOf(object);
    setOwn(copy, name, after);
  }
  return copy ?? object;
}

function copyOf(object: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const name of Object.keys(object)) setOwn(copy, name, object[name]!);
  return copy;
}

const aadOf = (aad: string): Buffer => Buffer.from(`statewright/field/v1\u0000${aad}`, 'utf8');

function encryptValue(value: JsonValue, key: FieldKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadOf(key.aad));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ENCRYPTED_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

function decryptValue(token: string, key: FieldKey): JsonValue {
  const bytes = Buffer.from(token.slice(ENCRYPTED_PREFIX.length), 'base64url');
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.dataKey, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aadOf(key.aad));
  decipher.setAuthTag(tag);
  let text: string;
  try {
    text = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    throw new FieldDecryptError(
      `an encrypted field of ${key.aad} failed authentication (tampered, or encrypted under another key)`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new FieldDecryptError(`an encrypted field of ${key.aad} does not hold JSON text`, { cause: error });
  }
}

function checkKey(dataKey: Buffer): void {
  if (dataKey.length !== DATA_KEY_BYTES)
    throw new RangeError(`a data key is ${DATA_KEY_BYTES} bytes, got ${dataKey.length}`);
}
