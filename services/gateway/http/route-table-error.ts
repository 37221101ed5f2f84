// The route table cannot be served as declared: a route without a permission, or a scope naming no parameter.
// Raised while the app is built, so such a gateway never starts.

export class RouteTableError extends Error {
  readonly code = 'invalid-route-table';
  /** The table is code: retrying cannot help. */
  readonly retriable = false;

  constructor(readonly problems: readonly string[]) {
    super(`invalid route table:\n${problems.join('\n')}`);
    this.name = 'RouteTableError';
  }
}
