// Credentials made for one test run: a random HS256 secret, an RS256 key pair published in a JWKS file, an
// impostor key pair under the same kid, and API keys stored by hash. Tokens are minted against them on demand.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';

export const ISSUER = 'https://issuer.statewright.test';
export const AUDIENCE = 'statewright-gateway';
const KID = 'test-rs256';

export interface TokenSpec {
  readonly sub?: string;
  readonly roles?: readonly string[];
  readonly workflows?: readonly string[];
  readonly alg?: 'HS256' | 'RS256';
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  readonly notBeforeIn?: number;
  readonly audience?: string;
  readonly issuer?: string;
  /** Sign with keys the gateway does not trust (same kid for RS256). */
  readonly forged?: boolean;
  readonly extraClaims?: Record<string, unknown>;
}

export interface CredentialKit {
  readonly env: Record<string, string>;
  readonly secret: Uint8Array;
  readonly rsaPublicPem: string;
  readonly operatorApiKey: string;
  readonly viewerApiKey: string;
  token(spec: TokenSpec): Promise<string>;
  /** Every credential and secret handed out so far, for the log check. */
  issued(): readonly string[];
  dispose(): Promise<void>;
}

export async function createCredentialKit(): Promise<CredentialKit> {
  const dir = await mkdtemp(join(tmpdir(), 'statewright-auth-'));
  const secretText = randomBytes(48).toString('base64url');
  const secret = new TextEncoder().encode(secretText);
  const forgedSecret = new Uint8Array(randomBytes(48));
  const trusted = await generateKeyPair('RS256');
  const impostor = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(trusted.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const operatorApiKey = `sk-${randomBytes(24).toString('hex')}`;
  const viewerApiKey = `sk-${randomBytes(24).toString('hex')}`;
  const issued: string[] = [secretText];
  issued.push(operatorApiKey, viewerApiKey);
  const files = {
    hs256: join(dir, 'hs256.secret'),
    jwks: join(dir, 'jwks.json'),
    apiKeys: join(dir, 'api-keys.json'),
  };
  await writeFile(files.hs256, `${secretText}\n`);
  await writeFile(files.jwks, JSON.stringify({ keys: [publicJwk] }));
  await writeFile(
    files.apiKeys,
    JSON.stringify({
      [sha256(operatorApiKey)]: { name: 'billing-bot', roles: ['operator'], workflows: ['order-saga'] },
      [sha256(viewerApiKey)]: { name: 'dashboard', roles: ['viewer'] },
    }),
  );
  const keyFor = (alg: 'HS256' | 'RS256', forged: boolean): KeyLike | Uint8Array =>
    alg === 'HS256' ? (forged ? forgedSecret : secret) : forged ? impostor.privateKey : trusted.privateKey;
  return {
    env: {
      GATEWAY_JWT_HS256_SECRET_FILE: files.hs256,
      GATEWAY_JWKS_FILE: files.jwks,
      GATEWAY_JWT_ISSUER: ISSUER,
      GATEWAY_JWT_AUDIENCE: AUDIENCE,
      GATEWAY_API_KEYS_FILE: files.apiKeys,
    },
    secret,
    rsaPublicPem: await exportSPKI(trusted.publicKey),
    operatorApiKey,
    viewerApiKey,
    token: async (spec) => {
      const token = await sign(spec, keyFor(spec.alg ?? 'HS256', spec.forged ?? false));
      issued.push(token);
      return token;
    },
    issued: () => issued,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function sign(spec: TokenSpec, key: KeyLike | Uint8Array): Promise<string> {
  const alg = spec.alg ?? 'HS256';
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { ...spec.extraClaims };
  if (spec.roles) claims['statewright/roles'] = spec.roles;
  if (spec.workflows) claims['statewright/workflows'] = spec.workflows;
  const jwt = new SignJWT(claims)
    .setProtectedHeader(alg === 'RS256' ? { alg, kid: KID } : { alg })
    .setIssuer(spec.issuer ?? ISSUER)
    .setAudience(spec.audience ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (spec.expiresIn ?? 300));
  if (spec.sub !== undefined) jwt.setSubject(spec.sub);
  if (spec.notBeforeIn !== undefined) jwt.setNotBefore(now + spec.notBeforeIn);
  return jwt.sign(key);
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
