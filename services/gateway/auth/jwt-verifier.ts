// Verifies bearer tokens with jose: HS256 against a shared secret, RS256 against the keys of a JWKS file. The
// algorithm allow-list comes from what is configured and each algorithm has its own key, so a token cannot pick
// its verification: `none` and other algorithms are refused unread, and an HS256 token is never checked with an
// RSA public key.
import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import { UnauthenticatedError, type RefusalReason } from './auth-errors';
import type { Principal } from './principal';
import { principalOfClaims } from './token-claims';

export interface JwtKeys {
  readonly hs256Secret: Uint8Array | undefined;
  readonly jwks: JSONWebKeySet | undefined;
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
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
  return async (token, challenges) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keyFor, options));
    } catch (error) {
      throw new UnauthenticatedError(refusalOf(error), challenges);
    }
    const principal = principalOfClaims(payload);
    if (principal === undefined) throw new UnauthenticatedError('invalid-claims', challenges);
    return principal;
  };
}

/** jose's failures are the token's fault; anything else is a fault of the gateway and stays a 500. */
function refusalOf(error: unknown): RefusalReason {
  if (error instanceof errors.JWTExpired) return 'token-expired';
  if (error instanceof errors.JOSEError) return 'invalid-token';
  throw error;
}
