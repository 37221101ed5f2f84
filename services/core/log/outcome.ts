// What happened to one command, as remembered by the dedupe window and returned for duplicates.
import type { Reason } from '../reason';

export type Outcome =
  | { readonly kind: 'applied'; readonly seq: number }
  | { readonly kind: 'rejected'; readonly reason: Reason }
  | { readonly kind: 'deferred'; readonly until: number }
  | { readonly kind: 'stashed' }
  | { readonly kind: 'ignored'; readonly note: string };
