// The fingerprint of a command request: what an Idempotency-Key promises to stand for. The query string is not
// part of it, so `?wait` may differ between retries of the same command.
import { createHash } from 'node:crypto';
import { canonicalJson, toJson } from '../../core';

export function requestFingerprint(method: string, path: string, body: unknown): string {
  const canonical = canonicalJson([method.toUpperCase(), path, toJson(body ?? null) ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}
