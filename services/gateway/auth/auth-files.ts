// Reads the credential files the configuration names: the HS256 secret, the JWKS of RS256 public keys and the
// API key hashes. Each is checked at start, so a gateway never runs with a credential source it cannot use.
import { readFile } from 'node:fs/promises';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { apiKeyFileSchema, SHA256_HEX, type ApiKeyFile } from './api-key-store';
import { AuthFileError } from './auth-file-error';

/** RFC 7518 §3.2: an HS256 key has at least as many bits as the hash output. */
const MIN_SECRET_BYTES = 32;

const jwksSchema = z.object({
  keys: z
    .array(z.object({ kty: z.literal('RSA', 'RS256 needs RSA keys'), n: z.string(), e: z.string() }).loose())
    .min(1),
});

/** The secret is the file's bytes; one trailing newline, as editors leave it, is not part of it. */
export async function readHs256Secret(file: string): Promise<Uint8Array> {
  const bytes = await read(file);
  const end =
    bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1) : bytes.length;
  const secret = bytes.subarray(0, end);
  if (secret.length < MIN_SECRET_BYTES) {
    throw new AuthFileError(file, `an HS256 secret needs at least ${MIN_SECRET_BYTES} bytes`);
  }
  return secret;
}

export async function readJwks(file: string): Promise<JSONWebKeySet> {
  const parsed = jwksSchema.safeParse(await readJson(file));
  if (!parsed.success) throw new AuthFileError(file, `not a JWKS of RSA keys: ${firstIssue(parsed.error)}`);
  if (parsed.data.keys.some((key) => 'd' in key)) {
    throw new AuthFileError(file, 'holds a private key; the gateway needs only public keys');
  }
  return parsed.data as JSONWebKeySet;
}

/** Entries are named by position: a key that is not a hash may be a plain API key pasted by mistake. */
export async function readApiKeys(file: string): Promise<ApiKeyFile> {
  const json = await readJson(file);
  const keys = json !== null && typeof json === 'object' && !Array.isArray(json) ? Object.keys(json) : [];
  const notHash = keys.findIndex((key) => !SHA256_HEX.test(key));
  if (notHash >= 0) {
    throw new AuthFileError(file, `entry ${notHash + 1}: keys are the lowercase hex SHA-256 of an API key`);
  }
  const parsed = apiKeyFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const entry = issue?.path.length ? `entry ${keys.indexOf(String(issue.path[0])) + 1}` : 'the file';
  const field = issue?.path.slice(1).map(String).join('.') || '';
  throw new AuthFileError(
    file,
    `not an API key file: ${entry}${field ? `.${field}` : ''}: ${issue?.message}`,
  );
}

async function read(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new AuthFileError(file, 'cannot be read', { cause: error });
  }
}

/** A parse failure reports no position or excerpt: the file may hold secrets. */
async function readJson(file: string): Promise<unknown> {
  const text = (await read(file)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new AuthFileError(file, 'is not valid JSON');
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'not accepted' : `${issue.path.map(String).join('.')}: ${issue.message}`;
}
