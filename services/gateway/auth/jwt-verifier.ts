// Verifies bearer tokens with jose: HS256 against a shared secret, RS256 against the keys of a JWKS file. The
// algorithm allow-list comes from what is configured and each algorithm has its own key, so a token cannot pick
// its verification: `none` and other algorithms are refused unread, and an HS256 token is never checked with an
// RSA public key. A token's lifetime is bounded as well: a leaked one is useful until its `exp`, which may lie no
// more than the maximum age (a day by default) after its `iat`.
import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type JWTPayload,
} from 'jose';
import { UnauthenticatedError, type RefusalReason } from './auth-errors';
import type { Principal } from './principal';
import { principalOfClaims } from './token-claims';

export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 86_400;

export interface JwtKeys {
  readonly hs256Secret: Uint8Array | undefined;
  readonly jwks: JSONWebKeySet | undefined;
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  /** The longest `exp` may lie after `iat` (after now, for a token without `iat`); a day when absent. */
  readonly maxTokenAgeSeconds?: number;
}

export type JwtVerifier = (token: string, challenges: readonly string[]) => Promise<Principal>;

export function jwtVerifier(keys: JwtKeys): JwtVerifier {
  const jwks = keys.jwks === undefined ? undefined : createLocalJWKSet(keys.jwks);
  const algorithms = [...(keys.hs256Secret ? ['HS256'] : []), ...(jwks ? ['RS256'] : [])];
  const keyFor = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (header.alg === 'HS256' && keys.hs256Secret) return keys.hs256Secret;
    if (header.alg === 'RS256' && jwks) return jwks(header, token);
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  };
  const options = {
    issuer: keys.issuer,
    audience: keys.audience,
    algorithms,
    clockTolerance: keys.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };
  const maxAge = keys.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;
  return async (token, challenges) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keyFor, options));
    } catch (error) {
      throw new UnauthenticatedError(refusalOf(error), challenges);
    }
    if (!withinLifetime(payload, Math.floor(Date.now() / 1000), maxAge, keys.clockToleranceSeconds)) {
      throw new UnauthenticatedError('invalid-token', challenges);
    }
    const principal = principalOfClaims(payload);
    if (principal === undefined) throw new UnauthenticatedError('invalid-claims', challenges);
    return principal;
  };
}

/**
 * Whether the token claims no more than `maxAge` seconds of validity and was not issued in the future: an `iat`
 * ahead of the clock (beyond the tolerance) would let a token outlive the bound from the verifier's point of view.
 * jose has checked that `exp` is present and that `iat`, when present, is a number.
 */
function withinLifetime(payload: JWTPayload, now: number, maxAge: number, tolerance: number): boolean {
  const { iat, exp } = payload;
  if (exp === undefined) return false;
  if (iat !== undefined && iat > now + tolerance) return false;
  return exp - (iat ?? now) <= maxAge;
}

/** jose's failures are the token's fault; anything else is a fault of the gateway and stays a 500. */
function refusalOf(error: unknown): RefusalReason {
  if (error instanceof errors.JWTExpired) return 'token-expired';
  if (error instanceof errors.JOSEError) return 'invalid-token';
  throw error;
}
