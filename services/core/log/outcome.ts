// What happened to one command, as remembered by the dedupe window and returned for duplicates.
import type { Reason } from '../reason';

export type Outcome =
  | { readonly kind: 'applied'; readonly seq: number }
  | { readonly kind: 'rejected'; readonly reason: Reason }
  | { readonly kind: 'deferred'; readonly until: number }
  | { readonly kind: 'stashed' }
  | { readonly kind: 'ignored'; readonly note: string };

/**
 * The applied outcomes of the first seqs, one frozen object each: every instance keeps the outcome of its recent
 * commands, and a partition holds instances by the million.
 */
const APPLIED: readonly Outcome[] = Array.from({ length: 1024 }, (_, seq) =>
  Object.freeze({ kind: 'applied' as const, seq }),
);

/** The outcome of a command applied as transition `seq`. */
export function appliedAt(seq: number): Outcome {
  return APPLIED[seq] ?? { kind: 'applied', seq };
}
