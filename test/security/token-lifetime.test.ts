// How long a bearer token may be good for: no more than the maximum age (a day by default) from its `iat` to its
// `exp` — from now to its `exp` for a token without `iat` — and never issued in the future beyond the clock
// tolerance, so a leaked token cannot be made to last for years.
import { SignJWT } from 'jose';
import { UnauthenticatedError } from '../../services/gateway/auth/auth-errors';
import { jwtVerifier } from '../../services/gateway/auth/jwt-verifier';
import { loadGatewayConfig } from '../../services/gateway/config/gateway-config';
import { ConfigError } from '../../services/platform/config/config-error';
import { AUDIENCE, createCredentialKit, ISSUER, type CredentialKit } from './credential-kit';
import { startSecuredGateway, type SecuredGateway } from './secured-gateway';

const HOUR = 3_600;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
const now = () => Math.floor(Date.now() / 1000);

let kit: CredentialKit;
let secured: SecuredGateway;
beforeAll(async () => {
  kit = await createCredentialKit();
  secured = await startSecuredGateway('sec-token-age', kit.env);
});
afterAll(async () => {
  await secured?.stop();
  await kit?.dispose();
});

/** An HS256 viewer token with exactly the `iat` and `exp` given (none when undefined), signed with the kit's secret. */
function timed(iat: number | undefined, exp: number): Promise<string> {
  const jwt = new SignJWT({ 'statewright/roles': ['viewer'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('vera')
    .setExpirationTime(exp);
  return (iat === undefined ? jwt : jwt.setIssuedAt(iat)).sign(kit.secret);
}

async function statusWith(token: string): Promise<number> {
  const response = await secured.call({
    method: 'GET',
    url: `/instances/${secured.instanceId}`,
    headers: { authorization: `Bearer ${token}` },
  });
  return response.statusCode;
}

test('a token valid for ten years is refused; one valid for 23 hours is accepted', async () => {
  const decade = await kit.token({ sub: 'vera', roles: ['viewer'], expiresIn: 10 * YEAR });
  const day = await kit.token({ sub: 'vera', roles: ['viewer'], expiresIn: 23 * HOUR });
  expect(await statusWith(decade)).toBe(401);
  expect(await statusWith(day)).toBe(200);
});

test('a token issued a year in the future is refused, even for an hour; one issued within the clock tolerance is accepted', async () => {
  expect(await statusWith(await timed(now() + YEAR, now() + YEAR + HOUR))).toBe(401);
  expect(await statusWith(await timed(now() + 2, now() + HOUR))).toBe(200);
});

test('without iat, the time left to exp is what is bounded', async () => {
  expect(await statusWith(await timed(undefined, now() + 10 * YEAR))).toBe(401);
  expect(await statusWith(await timed(undefined, now() + HOUR))).toBe(200);
});

test('a refused long-lived token gets a 401 marking the token invalid', async () => {
  const token = await kit.token({ sub: 'vera', roles: ['viewer'], expiresIn: 2 * DAY });
  const response = await secured.call({
    method: 'GET',
    url: `/instances/${secured.instanceId}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.statusCode).toBe(401);
  expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
});

test('the verifier applies the maximum age it is given', async () => {
  const verify = jwtVerifier({
    hs256Secret: kit.secret,
    jwks: undefined,
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: 5,
    maxTokenAgeSeconds: HOUR,
  });
  const reasonOf = (token: string) =>
    verify(token, ['Bearer']).then(
      () => undefined,
      (error: unknown) => (error instanceof UnauthenticatedError ? error.reason : error),
    );
  expect(await reasonOf(await timed(now(), now() + 2 * HOUR))).toBe('invalid-token');
  expect(await reasonOf(await timed(now(), now() + HOUR))).toBeUndefined();
});

test('GATEWAY_JWT_MAX_AGE_S sets the maximum age: a day by default, at least a minute, at most 30 days', () => {
  const base = {
    KAFKA_BROKERS: '127.0.0.1:1',
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
    REDIS_URL: 'redis://127.0.0.1:1',
    ...kit.env,
  };
  const jwtOf = (env: Record<string, string>) => {
    const auth = loadGatewayConfig(env).auth;
    return auth.mode === 'required' ? auth.jwt : undefined;
  };
  expect(jwtOf(base)?.maxTokenAgeSeconds).toBe(DAY);
  expect(jwtOf({ ...base, GATEWAY_JWT_MAX_AGE_S: '900' })?.maxTokenAgeSeconds).toBe(900);
  expect(() => loadGatewayConfig({ ...base, GATEWAY_JWT_MAX_AGE_S: '10' })).toThrow(ConfigError);
  expect(() => loadGatewayConfig({ ...base, GATEWAY_JWT_MAX_AGE_S: String(31 * DAY) })).toThrow(ConfigError);
});
