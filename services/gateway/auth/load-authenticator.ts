// Builds the authenticator the configuration describes, reading its credential files once at start. A gateway
// with authentication disabled says so loudly: every caller is then an admin.
import type { Logger } from '../../platform/logging/logger';
import type { AuthSettings, JwtSettings } from '../config/auth-config';
import { ApiKeyStore } from './api-key-store';
import { readApiKeys, readHs256Secret, readJwks } from './auth-files';
import { credentialAuthenticator, DISABLED_AUTHENTICATOR, type Authenticator } from './authenticator';
import { jwtVerifier, type JwtVerifier } from './jwt-verifier';

export async function loadAuthenticator(settings: AuthSettings, logger: Logger): Promise<Authenticator> {
  if (settings.mode === 'disabled') {
    logger.warn(
      { auth: 'disabled' },
      'authentication is disabled: every caller is an admin and X-Actor names the actor; configure ' +
        'GATEWAY_JWT_* or GATEWAY_API_KEYS_FILE for any shared or production deployment',
    );
    return DISABLED_AUTHENTICATOR;
  }
  const apiKeys = settings.apiKeysFile ? new ApiKeyStore(await readApiKeys(settings.apiKeysFile)) : undefined;
  const jwt = settings.jwt ? await loadJwtVerifier(settings.jwt) : undefined;
  const authenticator = credentialAuthenticator({ jwt, apiKeys });
  logger.info(
    { auth: 'required', schemes: authenticator.challenges, apiKeys: apiKeys?.size ?? 0 },
    'authentication required',
  );
  return authenticator;
}

async function loadJwtVerifier(jwt: JwtSettings): Promise<JwtVerifier> {
  return jwtVerifier({
    hs256Secret: jwt.hs256SecretFile ? await readHs256Secret(jwt.hs256SecretFile) : undefined,
    jwks: jwt.jwksFile ? await readJwks(jwt.jwksFile) : undefined,
    issuer: jwt.issuer,
    audience: jwt.audience,
    clockToleranceSeconds: jwt.clockToleranceSeconds,
    maxTokenAgeSeconds: jwt.maxTokenAgeSeconds,
  });
}
