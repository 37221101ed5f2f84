// The configured API keys, held by the SHA-256 of each key: the plain keys are never configured, stored or
// compared. A presented key is hashed once and looked up.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from './principal';
import { ROLES } from './role';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The file's shape: `{ "<sha256 hex of the key>": { "name": ..., "roles": [...], "workflows"?: [...] } }`. */
export const apiKeyFileSchema = z.record(
  z.string().regex(SHA256_HEX),
  z
    .object({
      name: z.string().regex(/^[\w.@-]{1,128}$/, 'letters, digits, _ . @ - only, at most 128'),
      roles: z.array(z.enum(ROLES)).min(1),
      workflows: z.array(z.string().min(1).max(512)).optional(),
    })
    .strict(),
);

export type ApiKeyFile = z.output<typeof apiKeyFileSchema>;

export const apiKeyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export class ApiKeyStore {
  private readonly byHash: ReadonlyMap<string, Principal>;

  constructor(file: ApiKeyFile) {
    this.byHash = new Map(
      Object.entries(file).map(([hash, entry]) => [
        hash,
        { kind: 'api-key', name: entry.name, roles: entry.roles, workflows: entry.workflows ?? null },
      ]),
    );
  }

  get size(): number {
    return this.byHash.size;
  }

  principalOf(key: string): Principal | undefined {
    return this.byHash.get(apiKeyHash(key));
  }
}
