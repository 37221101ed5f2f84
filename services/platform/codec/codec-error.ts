// Why bytes could not become an envelope: each class has a stable code the orchestrator routes on.

/** Bytes that are not a Confluent-framed Avro value of the expected record (no magic byte, bad Avro, wrong record). */
export class UndecodableError extends Error {
  readonly code = 'undecodable';
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UndecodableError';
  }
}

/** Well-framed bytes naming a schema id the registry does not know. */
export class UnknownSchemaError extends Error {
  readonly code = 'unknown-schema';
  readonly retriable = false;

  constructor(
    readonly schemaId: number,
    options?: { cause?: unknown },
  ) {
    super(`schema id ${schemaId} is unknown to the registry`, options);
    this.name = 'UnknownSchemaError';
  }
}

/** The registry could not answer (down, timeout, 5xx): the same bytes may decode once it is back. */
export class RegistryUnavailableError extends Error {
  readonly code = 'registry-unavailable';
  readonly retriable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

/** A value this process tried to encode does not fit its own schema: a programming error. */
export class EncodeError extends Error {
  readonly code = 'encode-failed';
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EncodeError';
  }
}

export type DecodeError = UndecodableError | UnknownSchemaError;
