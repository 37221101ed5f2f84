// The two refusals of access control: 401 when the caller is not identified (with the challenges it may answer in
// WWW-Authenticate), 403 when an identified caller lacks the role or the workflow scope. Neither message ever
// contains a credential.
import { ApiError } from '../http/api-error';
import type { Permission } from './permission';

/** Why a credential was refused. The caller learns the scheme-level reasons and expiry; the rest is only logged. */
export type RefusalReason =
  | 'missing-credentials'
  | 'unsupported-scheme'
  | 'ambiguous-credentials'
  | 'malformed-credentials'
  | 'token-expired'
  | 'invalid-token'
  | 'invalid-claims'
  | 'unknown-api-key';

export class UnauthenticatedError extends ApiError {
  constructor(
    readonly reason: RefusalReason,
    private readonly challenges: readonly string[],
  ) {
    super(401, 'unauthenticated', messageOf(reason));
  }

  override responseHeaders(): Readonly<Record<string, string>> {
    const error = this.reason === 'missing-credentials' ? '' : ', error="invalid_token"';
    const header = this.challenges
      .map((scheme) => `${scheme} realm="statewright"${scheme === 'Bearer' ? error : ''}`)
      .join(', ');
    return { 'www-authenticate': header };
  }
}

export class ForbiddenError extends ApiError {
  constructor(
    permission: Permission,
    reason: 'role' | 'workflow',
    workflow: string | null,
    /** The refused principal as the audit trail names it; for the log, not the answer. */
    readonly actor: string,
  ) {
    const message =
      reason === 'role'
        ? `${permission} needs a role the caller does not hold`
        : workflow === null
          ? `${permission} on this route needs roles that apply to every workflow`
          : `the caller's roles do not apply to workflow ${workflow}`;
    super(403, 'forbidden', message, { permission, reason, workflow });
  }
}

function messageOf(reason: RefusalReason): string {
  switch (reason) {
    case 'missing-credentials':
      return 'credentials are required: a bearer token or an API key';
    case 'token-expired':
      return 'the bearer token has expired';
    case 'unsupported-scheme':
      return 'the Authorization scheme must be Bearer or ApiKey';
    case 'ambiguous-credentials':
      return 'send either an Authorization header or an X-Api-Key header, not both';
    case 'malformed-credentials':
    case 'invalid-token':
    case 'invalid-claims':
    case 'unknown-api-key':
      return 'the credentials are not valid';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}
