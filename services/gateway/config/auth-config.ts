// The authentication part of the gateway's configuration. Secrets are named by file, never given in the
// environment. Configuring any credential source makes authentication required; with none it is disabled unless
// GATEWAY_AUTH=required asks for it, which then fails the start.
import { z } from 'zod';
import { DEFAULT_MAX_TOKEN_AGE_SECONDS } from '../auth/jwt-verifier';

const file = z.string().min(1);

export const authEnvSchema = z.object({
  GATEWAY_AUTH: z.enum(['required', 'disabled']).optional(),
  GATEWAY_JWT_HS256_SECRET_FILE: file.optional(),
  GATEWAY_JWKS_FILE: file.optional(),
  GATEWAY_JWT_ISSUER: z.string().min(1).optional(),
  GATEWAY_JWT_AUDIENCE: z.string().min(1).optional(),
  GATEWAY_JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(5),
  /** The longest a token may be valid for, `iat` to `exp`; at most 30 days: longer-lived callers get an API key. */
  GATEWAY_JWT_MAX_AGE_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(DEFAULT_MAX_TOKEN_AGE_SECONDS),
  GATEWAY_API_KEYS_FILE: file.optional(),
});

export interface JwtSettings {
  readonly hs256SecretFile: string | undefined;
  readonly jwksFile: string | undefined;
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
}

export type AuthSettings =
  | { readonly mode: 'disabled' }
  | {
      readonly mode: 'required';
      readonly jwt: JwtSettings | undefined;
      readonly apiKeysFile: string | undefined;
    };

/** The settings, or the problems that make them unusable. */
export function authSettingsOf(env: z.output<typeof authEnvSchema>): AuthSettings | { problems: string[] } {
  const jwtNamed = [
    env.GATEWAY_JWT_HS256_SECRET_FILE,
    env.GATEWAY_JWKS_FILE,
    env.GATEWAY_JWT_ISSUER,
    env.GATEWAY_JWT_AUDIENCE,
  ].some((value) => value !== undefined);
  const mode = env.GATEWAY_AUTH ?? (jwtNamed || env.GATEWAY_API_KEYS_FILE ? 'required' : 'disabled');
  if (mode === 'disabled') return { mode };
  const problems: string[] = [];
  if (!jwtNamed && env.GATEWAY_API_KEYS_FILE === undefined) {
    problems.push(
      'GATEWAY_AUTH: required needs GATEWAY_JWT_HS256_SECRET_FILE, GATEWAY_JWKS_FILE or GATEWAY_API_KEYS_FILE',
    );
  }
  const jwt = jwtNamed ? jwtSettingsOf(env, problems) : undefined;
  return problems.length > 0 ? { problems } : { mode, jwt, apiKeysFile: env.GATEWAY_API_KEYS_FILE };
}

function jwtSettingsOf(env: z.output<typeof authEnvSchema>, problems: string[]): JwtSettings | undefined {
  const { GATEWAY_JWT_HS256_SECRET_FILE: hs256SecretFile, GATEWAY_JWKS_FILE: jwksFile } = env;
  if (hs256SecretFile === undefined && jwksFile === undefined) {
    problems.push('GATEWAY_JWT_ISSUER/AUDIENCE: set GATEWAY_JWT_HS256_SECRET_FILE or GATEWAY_JWKS_FILE too');
  }
  if (env.GATEWAY_JWT_ISSUER === undefined) problems.push('GATEWAY_JWT_ISSUER: required to verify tokens');
  if (env.GATEWAY_JWT_AUDIENCE === undefined)
    problems.push('GATEWAY_JWT_AUDIENCE: required to verify tokens');
  if (env.GATEWAY_JWT_ISSUER === undefined || env.GATEWAY_JWT_AUDIENCE === undefined) return undefined;
  return {
    hs256SecretFile,
    jwksFile,
    issuer: env.GATEWAY_JWT_ISSUER,
    audience: env.GATEWAY_JWT_AUDIENCE,
    clockToleranceSeconds: env.GATEWAY_JWT_CLOCK_TOLERANCE_S,
    maxTokenAgeSeconds: env.GATEWAY_JWT_MAX_AGE_S,
  };
}
