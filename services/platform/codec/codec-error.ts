// Why bytes could not become an envelope: each class has a stable code the orchestrator routes on.
import { NonRetriableError, RetriableError } from '../../core';

/** Bytes that are not a Confluent-framed Avro value of the expected record (no magic byte, bad Avro, wrong record). */
export class UndecodableError extends NonRetriableError {
  readonly code = 'undecodable';
}

/** Well-framed bytes naming a schema id the registry does not know. */
export class UnknownSchemaError extends NonRetriableError {
  readonly code = 'unknown-schema';

  constructor(
    readonly schemaId: number,
    options?: { cause?: unknown },
  ) {
    super(`schema id ${schemaId} is unknown to the registry`, options);
  }
}

/** The registry could not answer (down, timeout, 5xx): the same bytes may decode once it is back. */
export class RegistryUnavailableError extends RetriableError {
  readonly code = 'registry-unavailable';
}

/** A value this process tried to encode does not fit its own schema: a programming error. */
export class EncodeError extends NonRetriableError {
  readonly code = 'encode-failed';
}

export type DecodeError = UndecodableError | UnknownSchemaError;
