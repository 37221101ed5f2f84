// Key-encryption keys (KEKs) wrap the per-instance data keys; only wrapped data keys are ever stored. The
// interface is async so a KMS can stand behind it; the file implementation reads `<id> <base64 of 32 bytes>` lines.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KekFileError, UnknownKekError, UnwrapError } from './crypto-error';

/** A data key as stored: the bytes a KEK produced and the id of that KEK. */
export interface WrappedDataKey {
  readonly kekId: string;
  readonly wrapped: Buffer;
}

export interface KeyEncryptionKey {
  /** The id of the key that wraps new data keys. */
  readonly id: string;
  /** Wraps with the current key. The correlation id is bound in: the result unwraps for that instance only. */
  wrap(dataKey: Buffer, correlationId: string): Promise<WrappedDataKey>;
  /** Throws UnknownKekError when `kekId` is not held, UnwrapError when the bytes fail authentication. */
  unwrap(key: WrappedDataKey, correlationId: string): Promise<Buffer>;
}

export const DATA_KEY_BYTES = 32;
const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;
const KEK_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Binds a wrapped key to the KEK that wrapped it and to its instance: swapping records between instances fails. */
const aadOf = (kekId: string, correlationId: string): Buffer =>
  Buffer.from(`statewright/data-key/v1\u0000${kekId}\u0000${correlationId}`, 'utf8');

/**
 * KEKs from a file. The first key wraps; every key unwraps. Rotation: put a new line first and keep the old
 * ones until every data key has been rewrapped (`DataKeys.rewrap`), then drop them. Blank lines and lines
 * starting with `#` are ignored. A line can be made without Node: `echo "kek-2 $(openssl rand -base64 32)"`.
 */
export class FileKeyEncryptionKey implements KeyEncryptionKey {
  private constructor(
    readonly id: string,
    private readonly keys: ReadonlyMap<string, KeyObject>,
  ) {}

  static async load(file: string): Promise<FileKeyEncryptionKey> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'the key-encryption key file does not exist' : `could not be read (${code})`;
      throw new KekFileError(file, why, { cause: error });
    }
    return FileKeyEncryptionKey.parse(text, file);
  }

  /** `source` names the text in errors (a file path, or a description). */
  static parse(text: string, source: string): FileKeyEncryptionKey {
    const keys = new Map<string, KeyObject>();
    text.split('\n').forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const [id, material] = parseLine(line, index + 1, source);
      if (keys.has(id)) throw new KekFileError(source, `line ${index + 1}: key id ${id} appears twice`);
      keys.set(id, createSecretKey(material));
    });
    const current = keys.keys().next();
    if (current.done) throw new KekFileError(source, 'holds no key-encryption key');
    return new FileKeyEncryptionKey(current.value, keys);
  }

  /** Every key id held, the current one first. */
  get ids(): readonly string[] {
    return [...this.keys.keys()];
  }

  async wrap(dataKey: Buffer, correlationId: string): Promise<WrappedDataKey> {
    if (dataKey.length !== DATA_KEY_BYTES)
      throw new RangeError(`a data key is ${DATA_KEY_BYTES} bytes, got ${dataKey.length}`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyOf(this.id), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(this.id, correlationId));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kekId: this.id, wrapped: Buffer.concat([iv, body, cipher.getAuthTag()]) };
  }

  async unwrap(key: WrappedDataKey, correlationId: string): Promise<Buffer> {
    const kek = this.keyOf(key.kekId);
    if (key.wrapped.length !== WRAPPED_BYTES)
      throw new UnwrapError(
        key.kekId,
        `a wrapped data key is ${WRAPPED_BYTES} bytes, got ${key.wrapped.length} (truncated or not a wrapped key)`,
      );
    const iv = key.wrapped.subarray(0, IV_BYTES);
    const tag = key.wrapped.subarray(WRAPPED_BYTES - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(key.kekId, correlationId));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(key.wrapped.subarray(IV_BYTES, WRAPPED_BYTES - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (error) {
      throw new UnwrapError(
        key.kekId,
        `the data key of ${correlationId} wrapped by ${key.kekId} failed authentication (tampered, or wrapped for another instance)`,
        { cause: error },
      );
    }
  }

  private keyOf(kekId: string): KeyObject {
    const kek = this.keys.get(kekId);
    if (kek === undefined) throw new UnknownKekError(kekId);
    return kek;
  }
}

function parseLine(line: string, number: number, source: string): [string, Buffer] {
  const parts = line.split(/\s+/);
  const [id, encoded] = parts;
  if (parts.length !== 2 || id === undefined || encoded === undefined)
    throw new KekFileError(source, `line ${number}: expected "<id> <base64 of ${KEK_BYTES} bytes>"`);
  if (!KEK_ID.test(id)) throw new KekFileError(source, `line ${number}: key id must match ${KEK_ID.source}`);
  const material = Buffer.from(encoded, 'base64');
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0 || material.toString('base64') !== encoded)
    throw new KekFileError(source, `line ${number}: the key of ${id} is not base64`);
  if (material.length !== KEK_BYTES)
    throw new KekFileError(
      source,
      `line ${number}: the key of ${id} is ${material.length} bytes, a key-encryption key is ${KEK_BYTES}`,
    );
  return [id, material];
}

/** A new KEK file line with a fresh random key: put it first in the file to make it the current key. */
export function generateKekLine(id: string): string {
  if (!KEK_ID.test(id)) throw new RangeError(`key id must match ${KEK_ID.source}`);
  return `${id} ${randomBytes(KEK_BYTES).toString('base64')}`;
}
