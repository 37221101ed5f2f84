// Why key material or an encrypted field could not be used: each class has a stable code and says whether a retry can help.
import { NonRetriableError } from '../../core';
import { TopicTableError } from '../kafka/topic-table';

/** The key-encryption key file is missing or malformed; someone has to fix it. Its messages never quote key material. */
export class KekFileError extends NonRetriableError {
  readonly code = 'kek-file-invalid';

  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** A data key was wrapped by a key-encryption key this process does not hold (a rotation dropped it too early). */
export class UnknownKekError extends NonRetriableError {
  readonly code = 'kek-unknown';

  constructor(readonly kekId: string) {
    super(`no key-encryption key with id ${JSON.stringify(kekId)} is configured`);
  }
}

/** A wrapped data key failed authentication: tampered, truncated, or bound to another correlation id. */
export class UnwrapError extends NonRetriableError {
  readonly code = 'key-unwrap-failed';

  constructor(
    readonly kekId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An encrypted field is malformed or fails authentication under the data key given (tampered, or another key). */
export class FieldDecryptError extends NonRetriableError {
  readonly code = 'field-undecryptable';
}

/** A record of the keys topic (or its Redis copy) that is not a valid wrapped-key record or tombstone. */
export class KeysRecordError extends NonRetriableError {
  readonly code = 'keys-record-invalid';
}

/** The keys topic could not be read (missing topic, broker down, consumer crashed); retriable. */
export class KeyTableError extends TopicTableError {
  override readonly code: string = 'key-table-unavailable';
}
