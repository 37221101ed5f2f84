// Finds the credential of a request: `Authorization: Bearer <jwt>`, `Authorization: ApiKey <key>` or
// `X-Api-Key: <key>`. Exactly one may be present; anything else is refused before any verification runs.
import type { IncomingHttpHeaders } from 'node:http';
import type { RefusalReason } from './auth-errors';

/** Longer credentials are refused unread: no legitimate token or key comes near it. */
export const MAX_CREDENTIAL_LENGTH = 8192;

export type Credentials =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'api-key'; readonly key: string }
  | { readonly kind: 'refused'; readonly reason: RefusalReason };

const SCHEME = /^([A-Za-z]+) +(\S+) *$/;

export function credentialsOf(headers: IncomingHttpHeaders): Credentials {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  if (authorization !== undefined && apiKey !== undefined) return refused('ambiguous-credentials');
  if (typeof apiKey === 'string') return apiKeyOf(apiKey);
  if (apiKey !== undefined) return refused('malformed-credentials');
  if (authorization === undefined || authorization.trim() === '') return refused('missing-credentials');
  const match = SCHEME.exec(authorization);
  if (match === null) return refused('malformed-credentials');
  const [, scheme = '', value = ''] = match;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return value.length > MAX_CREDENTIAL_LENGTH
        ? refused('malformed-credentials')
        : { kind: 'bearer', token: value };
    case 'apikey':
      return apiKeyOf(value);
    default:
      return refused('unsupported-scheme');
  }
}

function apiKeyOf(key: string): Credentials {
  const trimmed = key.trim();
  if (trimmed === '' || trimmed.length > MAX_CREDENTIAL_LENGTH) return refused('malformed-credentials');
  return { kind: 'api-key', key: trimmed };
}

const refused = (reason: RefusalReason): Credentials => ({ kind: 'refused', reason });
