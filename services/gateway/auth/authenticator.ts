// Turns a request's credential into a Principal: bearer tokens through the JWT verifier, API keys through the key
// store. With authentication disabled every request is the anonymous principal.
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyStore } from './api-key-store';
import { UnauthenticatedError } from './auth-errors';
import { credentialsOf } from './credentials';
import type { JwtVerifier } from './jwt-verifier';
import { ANONYMOUS, type Principal } from './principal';

export interface Authenticator {
  readonly enabled: boolean;
  /** The WWW-Authenticate schemes a caller may answer with. */
  readonly challenges: readonly string[];
  /** Throws UnauthenticatedError when the request carries no usable credential. */
  authenticate(headers: IncomingHttpHeaders): Promise<Principal>;
}

export const DISABLED_AUTHENTICATOR: Authenticator = {
  enabled: false,
  challenges: [],
  authenticate: async () => ANONYMOUS,
};

export function credentialAuthenticator(sources: {
  readonly jwt: JwtVerifier | undefined;
  readonly apiKeys: ApiKeyStore | undefined;
}): Authenticator {
  const challenges = [...(sources.jwt ? ['Bearer'] : []), ...(sources.apiKeys ? ['ApiKey'] : [])];
  const refuse = (reason: ConstructorParameters<typeof UnauthenticatedError>[0]) =>
    new UnauthenticatedError(reason, challenges);
  return {
    enabled: true,
    challenges,
    authenticate: async (headers) => {
      const credentials = credentialsOf(headers);
      switch (credentials.kind) {
        case 'refused':
          throw refuse(credentials.reason);
        case 'bearer':
          if (sources.jwt === undefined) throw refuse('unsupported-scheme');
          return sources.jwt(credentials.token, challenges);
        case 'api-key': {
          if (sources.apiKeys === undefined) throw refuse('unsupported-scheme');
          const principal = sources.apiKeys.principalOf(credentials.key);
          if (principal === undefined) throw refuse('unknown-api-key');
          return principal;
        }
        default: {
          const unreachable: never = credentials;
          return unreachable;
        }
      }
    },
  };
}
