// The route table cannot be served as declared: a route without a permission, or a scope naming no parameter.
// Raised while the app is built, so such a gateway never starts.
import { NonRetriableError } from '../../core';

/** The table is code: retrying cannot help. */
export class RouteTableError extends NonRetriableError {
  readonly code = 'invalid-route-table';

  constructor(readonly problems: readonly string[]) {
    super(`invalid route table:\n${problems.join('\n')}`);
  }
}
