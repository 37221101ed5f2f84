// Why a command was not applied: a closed set of stable codes the orchestrator routes on.

export const REASON_CODES = [
  'invalid-command',
  'unknown-workflow',
  'unknown-version',
  'invalid-payload',
  'unknown-instance',
  'already-started',
  'conflict',
  'seq-mismatch',
  'stale',
  'not-accepted',
  'guard-rejected',
  'finished',
  'not-finished',
  'stash-full',
  'migration-unavailable',
  'definition-error',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  readonly code: ReasonCode;
  readonly message: string;
}

/**
 * Codes for input with no instance log to record it in: malformed, for an unknown workflow or
 * version, or for an instance that does not exist. The orchestrator dead-letters these, so nothing is dropped.
 */
export const DEAD_LETTER_CODES: readonly ReasonCode[] = [
  'invalid-command',
  'unknown-workflow',
  'unknown-version',
  'invalid-payload',
  'unknown-instance',
];

export const isDeadLetter = (code: ReasonCode): boolean => DEAD_LETTER_CODES.includes(code);

export const reason = (code: ReasonCode, message: string): Reason => ({ code, message });
