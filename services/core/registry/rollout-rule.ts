// Which version a new instance of a workflow starts on.

/** latest (default); pinned to a version; or a canary share of new instances, chosen by correlation-id hash. */
export type RolloutRule =
  | { readonly kind: 'latest' }
  | { readonly kind: 'pinned'; readonly version: number }
  | { readonly kind: 'canary'; readonly stable: number; readonly canary: number; readonly percent: number };
