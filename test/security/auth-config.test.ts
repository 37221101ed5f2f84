// How the environment turns authentication on: off when nothing is configured (with a warning at start), required
// as soon as any credential source is named, and a start refused when a named source cannot be used.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { AuthFileError } from '../../services/gateway/auth/auth-file-error';
import { loadAuthenticator } from '../../services/gateway/auth/load-authenticator';
import { loadGatewayConfig } from '../../services/gateway/config/gateway-config';
import { startGateway } from '../../services/gateway/gateway';
import { ConfigError } from '../../services/platform/config/config-error';
import { createCredentialKit, type CredentialKit } from './credential-kit';

const BASE = {
  KAFKA_BROKERS: '127.0.0.1:1',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
  REDIS_URL: 'redis://127.0.0.1:1',
};

let kit: CredentialKit;
beforeAll(async () => {
  kit = await createCredentialKit();
});
afterAll(() => kit?.dispose());

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

test('with no credential source configured, authentication is disabled and the start warns about it', async () => {
  const config = loadGatewayConfig(BASE);
  expect(config.auth).toEqual({ mode: 'disabled' });
  const { logger, lines } = capture();
  const authenticator = await loadAuthenticator(config.auth, logger);
  expect(authenticator.enabled).toBe(false);
  expect(lines.map((line) => JSON.parse(line))).toEqual([
    expect.objectContaining({
      level: 40,
      auth: 'disabled',
      msg: expect.stringContaining('authentication is disabled'),
    }),
  ]);
});

test('naming any credential source makes authentication required', () => {
  expect(loadGatewayConfig({ ...BASE, GATEWAY_API_KEYS_FILE: '/keys.json' }).auth).toEqual({
    mode: 'required',
    jwt: undefined,
    apiKeysFile: '/keys.json',
  });
  expect(loadGatewayConfig({ ...BASE, ...kit.env }).auth).toMatchObject({
    mode: 'required',
    jwt: { issuer: expect.any(String), audience: expect.any(String), clockToleranceSeconds: 5 },
  });
});

test('required with nothing to verify against, or a JWT source without issuer and audience, is a ConfigError', () => {
  expect(() => loadGatewayConfig({ ...BASE, GATEWAY_AUTH: 'required' })).toThrow(ConfigError);
  expect(() => loadGatewayConfig({ ...BASE, GATEWAY_JWKS_FILE: '/jwks.json' })).toThrow(/GATEWAY_JWT_ISSUER/);
  expect(() => loadGatewayConfig({ ...BASE, GATEWAY_JWT_ISSUER: 'https://issuer' })).toThrow(
    /set GATEWAY_JWT_HS256_SECRET_FILE or GATEWAY_JWKS_FILE/,
  );
});

test('GATEWAY_AUTH=disabled wins over configured sources', () => {
  expect(loadGatewayConfig({ ...BASE, ...kit.env, GATEWAY_AUTH: 'disabled' }).auth).toEqual({
    mode: 'disabled',
  });
});

test('a gateway whose credential files cannot be used does not start, and the error shows no file content', async () => {
  const dir = join(kit.env.GATEWAY_JWKS_FILE!, '..');
  const shortSecret = join(dir, 'short.secret');
  await writeFile(shortSecret, 'too-short-a-secret\n');
  const privateJwks = join(dir, 'private-jwks.json');
  await writeFile(
    privateJwks,
    JSON.stringify({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'c2VjcmV0LWQ' }] }),
  );
  const plainKeys = join(dir, 'plain-keys.json');
  await writeFile(plainKeys, JSON.stringify({ 'sk-plain-api-key': { name: 'bot', roles: ['admin'] } }));
  const notJson = join(dir, 'not-json.json');
  await writeFile(notJson, '{"sk-very-secret-value": ');
  const attempts: [Record<string, string>, RegExp][] = [
    [{ ...kit.env, GATEWAY_JWT_HS256_SECRET_FILE: shortSecret }, /at least 32 bytes/],
    [{ ...kit.env, GATEWAY_JWKS_FILE: privateJwks }, /holds a private key/],
    [{ ...kit.env, GATEWAY_API_KEYS_FILE: plainKeys }, /lowercase hex SHA-256/],
    [{ ...kit.env, GATEWAY_API_KEYS_FILE: notJson }, /is not valid JSON/],
    [{ ...kit.env, GATEWAY_API_KEYS_FILE: join(dir, 'missing.json') }, /cannot be read/],
  ];
  for (const [env, problem] of attempts) {
    const started = startGateway(loadGatewayConfig({ ...BASE, ...env }), {
      logger: pino({ level: 'silent' }),
    });
    const error = await started.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(AuthFileError);
    expect((error as Error).message).toMatch(problem);
    expect((error as Error).message).not.toMatch(/too-short-a-secret|c2VjcmV0LWQ|sk-very-secret-value/);
  }
});

test('an API key file entry with a bad field is named by position, not by its hash', async () => {
  const dir = join(kit.env.GATEWAY_JWKS_FILE!, '..');
  const badRole = join(dir, 'bad-role.json');
  await writeFile(
    badRole,
    JSON.stringify({
      ['a'.repeat(64)]: { name: 'ok', roles: ['viewer'] },
      ['b'.repeat(64)]: { name: 'bot', roles: ['root'] },
    }),
  );
  const config = loadGatewayConfig({ ...BASE, GATEWAY_API_KEYS_FILE: badRole });
  await expect(loadAuthenticator(config.auth, pino({ level: 'silent' }))).rejects.toThrow(
    /entry 2\.roles\.0: /,
  );
});
