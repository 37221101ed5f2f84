// A thousand malformed credentials against a real gateway: random strings, truncated and mangled tokens, foreign
// or `none` algorithms, algorithm confusion, validly signed garbage and oversized headers. Each is a 401 with the
// error body, never a 500, and none of them reaches a log line.
import { CompactSign, SignJWT } from 'jose';
import fc from 'fast-check';
import { AUDIENCE, createCredentialKit, ISSUER, type CredentialKit } from './credential-kit';
import { leakedCredentials } from './log-audit';
import { ORDER_INPUT, startSecuredGateway, type SecuredGateway } from './secured-gateway';

let kit: CredentialKit;
let secured: SecuredGateway;
let valid: { hs256: string; rs256: string };
const sent: string[] = [];

beforeAll(async () => {
  kit = await createCredentialKit();
  secured = await startSecuredGateway('sec-fuzz', kit.env);
  valid = {
    hs256: await kit.token({ sub: 'otto', roles: ['operator'] }),
    rs256: await kit.token({ sub: 'ada', roles: ['admin'], alg: 'RS256' }),
  };
});

afterAll(async () => {
  await secured?.stop();
  await kit?.dispose();
});

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const chars = (alphabet: string, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), maxLength });
const printable = String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 0x20 + i));

/** A recipe for a malformed token; some need the kit's keys, so they are built when the property runs. */
type Recipe = () => Promise<string>;
const now = () => Math.floor(Date.now() / 1000);

function recipes(): fc.Arbitrary<Recipe> {
  const base = fc.constantFrom<keyof typeof valid>('hs256', 'rs256');
  const segment = chars(B64URL, 120);
  return fc.oneof(
    chars(printable, 300).map((text) => async () => text),
    fc.tuple(segment, segment, segment).map((parts) => async () => parts.join('.')),
    fc.tuple(base, fc.nat()).map(
      ([which, cut]) =>
        async () =>
          valid[which].slice(0, cut % valid[which].length),
    ),
    fc.tuple(base, fc.nat(), fc.constantFrom(...B64URL)).map(
      ([which, at, char]) =>
        async () =>
          mangle(valid[which], at, char),
    ),
    fc.tuple(base, fc.constantFrom(...REARRANGEMENTS)).map(
      ([which, rearrange]) =>
        async () =>
          rearrange(valid[which].split('.')),
    ),
    fc.tuple(fc.constantFrom(...FOREIGN_ALGS), base, segment).map(([alg, which, signature]) => async () => {
      const [, payload] = valid[which].split('.');
      return `${b64url({ alg, typ: 'JWT' })}.${payload}.${alg === 'none' ? '' : signature}`;
    }),
    fc.constant(async () => confusedToken(kit.rsaPublicPem)),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => async () => signedBytes(kit.secret, bytes)),
    fc
      .dictionary(fc.constantFrom(...CLAIMS), fc.jsonValue(), { maxKeys: 7 })
      .map((claims) => async () => signedClaims(kit.secret, claims)),
    fc
      .jsonValue()
      .filter((workflows) => !Array.isArray(workflows))
      .map((workflows) => async () => scopedBadly(kit.secret, workflows)),
    fc.integer({ min: 1_000, max: 11_000 }).map((size) => async () => {
      const [, payload, signature] = valid.hs256.split('.');
      return `${b64url({ alg: 'HS256', pad: 'x'.repeat(size) })}.${payload}.${signature}`;
    }),
  );
}

const CLAIMS = ['sub', 'exp', 'nbf', 'iat', 'iss', 'aud', 'statewright/roles', 'statewright/workflows'];
const FOREIGN_ALGS = [
  'none',
  'None',
  'NONE',
  'HS384',
  'HS512',
  'RS384',
  'PS256',
  'ES256',
  'EdDSA',
  'hs256',
  '',
  'RS256 ',
];
const REARRANGEMENTS: ((parts: string[]) => string)[] = [
  ([h, p, s]) => `${p}.${h}.${s}`,
  ([h, p, s]) => `${h}.${p}.${s}.${s}`,
  ([h, p]) => `${h}.${p}.`,
  ([h, , s]) => `${h}..${s}`,
  ([h, p]) => `${h}.${p}`,
  ([, p, s]) => `.${p}.${s}`,
  (parts) => parts.join('..'),
];

/** Replaces one character; a change that leaves every decoded segment equal (base64 padding bits) is skipped. */
function mangle(token: string, at: number, char: string): string {
  const index = at % token.length;
  const original = token[index] === char ? (char === 'A' ? 'B' : 'A') : char;
  const mangled = token.slice(0, index) + original + token.slice(index + 1);
  const decoded = (t: string) => t.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex'));
  return decoded(mangled).join('.') === decoded(token).join('.') ? `${mangled}.` : mangled;
}

/** HS256 keyed with the RS256 public key: the classic algorithm confusion. */
async function confusedToken(publicPem: string): Promise<string> {
  return new SignJWT({ 'statewright/roles': ['admin'] })
    .setProtectedHeader({ alg: 'HS256', kid: 'test-rs256' })
    .setSubject('mallory')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(now() + 300)
    .sign(new TextEncoder().encode(publicPem));
}

/** A genuine signature over a payload that is not a claims set. */
async function signedBytes(secret: Uint8Array, bytes: Uint8Array): Promise<string> {
  return new CompactSign(bytes).setProtectedHeader({ alg: 'HS256' }).sign(secret);
}

/** A genuine signature over arbitrary claims: never the configured issuer and audience together. */
async function signedClaims(secret: Uint8Array, claims: Record<string, unknown>): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'HS256' })
    .sign(secret);
}

/** A valid token whose workflow scope is not a list: refused rather than read as "every workflow". */
async function scopedBadly(secret: Uint8Array, workflows: unknown): Promise<string> {
  return new SignJWT({ 'statewright/roles': ['admin'], 'statewright/workflows': workflows })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('mallory')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(now() + 300)
    .sign(secret);
}

const CARRIERS: ((token: string) => Record<string, string>)[] = [
  (token) => ({ authorization: `Bearer ${token}` }),
  (token) => ({ authorization: `bearer ${token}` }),
  (token) => ({ authorization: `ApiKey ${token}` }),
  (token) => ({ 'x-api-key': token }),
  (token) => ({ authorization: token }),
];

test('1,000 malformed credentials are each a 401 with the error body, never a 500', async () => {
  const routes = [
    () => ({ method: 'GET' as const, url: `/instances/${secured.instanceId}` }),
    () => ({
      method: 'POST' as const,
      url: '/workflows/order-saga/instances',
      payload: { input: ORDER_INPUT },
    }),
  ];
  await fc.assert(
    fc.asyncProperty(
      recipes(),
      fc.constantFrom(...CARRIERS),
      fc.constantFrom(...routes),
      async (recipe, carrier, route) => {
        const token = await recipe();
        sent.push(token);
        const response = await secured.call({
          ...route(),
          headers: { ...carrier(token), 'idempotency-key': 'fuzz' },
        });
        expect(response.statusCode).toBe(401);
        expect(response.json().error.code).toBe('unauthenticated');
        expect(response.headers.get('www-authenticate')).toContain('realm="statewright"');
      },
    ),
    { numRuns: 1_000 },
  );
  expect(sent.length).toBeGreaterThanOrEqual(1_000);
});

test('none of the tokens sent, nor any key or secret, appears in a log line', () => {
  const refusals = secured.logLines.filter((line) => line.includes('request not authenticated'));
  expect(refusals.length).toBeGreaterThanOrEqual(1_000);
  const reasons = new Set(refusals.map((line) => (JSON.parse(line) as { refusal: string }).refusal));
  expect([...reasons]).toEqual(
    expect.arrayContaining(['malformed-credentials', 'invalid-token', 'invalid-claims', 'unknown-api-key']),
  );
  const tokenLike = sent.filter((token) => token.length >= 24 && token.includes('.'));
  expect(leakedCredentials(secured.logLines, [...kit.issued(), ...tokenLike])).toEqual([]);
});
