// Why key material or an encrypted field could not be used: each class has a stable code and says whether a retry can help.
import { TopicTableError } from '../kafka/topic-table';

/** The key-encryption key file is missing or malformed. Its messages never quote key material. */
export class KekFileError extends Error {
  readonly code = 'kek-file-invalid';
  /** Someone has to fix the file or the configuration. */
  readonly retriable = false;

  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'KekFileError';
  }
}

/** A data key was wrapped by a key-encryption key this process does not hold (a rotation dropped it too early). */
export class UnknownKekError extends Error {
  readonly code = 'kek-unknown';
  readonly retriable = false;

  constructor(readonly kekId: string) {
    super(`no key-encryption key with id ${JSON.stringify(kekId)} is configured`);
    this.name = 'UnknownKekError';
  }
}

/** A wrapped data key failed authentication: tampered, truncated, or bound to another correlation id. */
export class UnwrapError extends Error {
  readonly code = 'key-unwrap-failed';
  readonly retriable = false;

  constructor(
    readonly kekId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnwrapError';
  }
}

/** An encrypted field is malformed or fails authentication under the data key given (tampered, or another key). */
export class FieldDecryptError extends Error {
  readonly code = 'field-undecryptable';
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FieldDecryptError';
  }
}

/** A record of the keys topic (or its Redis copy) that is not a valid wrapped-key record or tombstone. */
export class KeysRecordError extends Error {
  readonly code = 'keys-record-invalid';
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeysRecordError';
  }
}

/** The keys topic could not be read (missing topic, broker down, consumer crashed); retriable. */
export class KeyTableError extends TopicTableError {
  override readonly code: string = 'key-table-unavailable';

  constructor(topic: string, message: string, options?: { cause?: unknown }) {
    super(topic, message, options);
    this.name = 'KeyTableError';
  }
}
