// The DeadLetter envelope on <prefix>.dlq: input that could not be processed, with its original bytes and origin.

/** Stable codes: decode failures, the core's dead-letter reasons, and output too large to produce. */
export type DeadLetterCode =
  | 'undecodable'
  | 'unknown-schema'
  | 'invalid-command'
  | 'unknown-workflow'
  | 'unknown-version'
  | 'invalid-payload'
  | 'unknown-instance'
  | 'oversized';

export interface DeadLetterEnvelope {
  readonly code: DeadLetterCode;
  readonly reason: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly { readonly key: string; readonly value: Buffer | null }[];
}
