// The bearer token rules on their own: issuer, audience, expiry and not-before with the clock tolerance, the
// algorithm allow-list, and how claims become a principal.
import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { UnauthenticatedError } from '../../services/gateway/auth/auth-errors';
import { jwtVerifier, type JwtVerifier } from '../../services/gateway/auth/jwt-verifier';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'gateway';
const secret = new Uint8Array(randomBytes(32));
const verify: JwtVerifier = jwtVerifier({
  hs256Secret: secret,
  jwks: undefined,
  issuer: ISSUER,
  audience: AUDIENCE,
  clockToleranceSeconds: 5,
});
const now = () => Math.floor(Date.now() / 1000);

function token(
  claims: Record<string, unknown>,
  edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt,
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('otto')
    .setExpirationTime(now() + 60);
  return edit(jwt).sign(secret);
}

async function refusal(jwt: Promise<string> | string): Promise<string | undefined> {
  try {
    await verify(await jwt, ['Bearer']);
    return undefined;
  } catch (error) {
    if (error instanceof UnauthenticatedError) return error.reason;
    throw error;
  }
}

test('claims become a principal; unknown roles grant nothing and an absent workflows claim means every workflow', async () => {
  const principal = await verify(await token({ 'statewright/roles': ['operator', 'superuser'] }), []);
  expect(principal).toEqual({ kind: 'jwt', name: 'otto', roles: ['operator'], workflows: null });
  const scoped = await verify(
    await token({ 'statewright/roles': ['viewer'], 'statewright/workflows': ['a'] }),
    [],
  );
  expect(scoped.workflows).toEqual(['a']);
});

test('expiry and not-before allow five seconds of clock skew and no more', async () => {
  expect(await refusal(token({}, (jwt) => jwt.setExpirationTime(now() - 3)))).toBeUndefined();
  expect(await refusal(token({}, (jwt) => jwt.setExpirationTime(now() - 30)))).toBe('token-expired');
  expect(await refusal(token({}, (jwt) => jwt.setNotBefore(now() + 3)))).toBeUndefined();
  expect(await refusal(token({}, (jwt) => jwt.setNotBefore(now() + 30)))).toBe('invalid-token');
});

test('issuer, audience, exp and sub are required', async () => {
  expect(await refusal(token({}, (jwt) => jwt.setIssuer('https://elsewhere')))).toBe('invalid-token');
  expect(await refusal(token({}, (jwt) => jwt.setAudience('another')))).toBe('invalid-token');
  const noExp = new SignJWT({ sub: 'otto' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE);
  expect(await refusal(noExp.sign(secret))).toBe('invalid-token');
  const noSub = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('1m');
  expect(await refusal(noSub.sign(secret))).toBe('invalid-token');
});

test('alg none and algorithms not configured are refused before any key is chosen', async () => {
  const unsecured = new UnsecuredJWT({ sub: 'otto', 'statewright/roles': ['admin'] })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('1m')
    .encode();
  expect(await refusal(unsecured)).toBe('invalid-token');
  const hs512 = new SignJWT({ sub: 'otto' })
    .setProtectedHeader({ alg: 'HS512' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('1m')
    .sign(new Uint8Array(randomBytes(64)));
  expect(await refusal(hs512)).toBe('invalid-token');
});

test('a workflows claim that is not a list refuses the token instead of widening it', async () => {
  expect(
    await refusal(token({ 'statewright/roles': ['admin'], 'statewright/workflows': 'order-saga' })),
  ).toBe('invalid-claims');
});
