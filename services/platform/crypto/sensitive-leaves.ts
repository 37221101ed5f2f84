// Which fields are encrypted, wherever they travel. A definition names sensitive paths into its context
// (`customer.email`); start inputs, payloads, task inputs and stored records have other shapes, so every property
// named like a path's last segment (`email`, `cardNumber`) is protected, at any depth, in any of them.
import type { JsonValue } from '../../core';
import { decryptFields, encryptFields, type FieldKey } from './field-cipher';

/** Where sensitive paths are declared: a registry of definitions, or the catalogue of their descriptions. */
export interface SensitivePathSource {
  names(): string[];
  versions(name: string): number[];
  get(name: string, version: number): { readonly sensitive: readonly string[] } | undefined;
}

/** The last segments of every sensitive path of every registered definition. */
export function sensitiveLeaves(registry: SensitivePathSource): ReadonlySet<string> {
  const leaves = new Set<string>();
  for (const name of registry.names())
    for (const version of registry.versions(name))
      for (const path of registry.get(name, version)?.sensitive ?? []) {
        const leaf = path.split('.').filter(Boolean).at(-1);
        if (leaf !== undefined) leaves.add(leaf);
      }
  return leaves;
}

/**
 * The leaves of a source that grows while the service runs (the catalogue, as orchestrators publish): read
 * again whenever `revision` changes, so a workflow published later has its fields protected too.
 */
export function followedLeaves(source: SensitivePathSource, revision: () => number): ReadonlySet<string> {
  return new FollowedLeaves(source, revision);
}

class FollowedLeaves implements ReadonlySet<string> {
  private seen = -1;
  private snapshot: ReadonlySet<string> = new Set<string>();

  constructor(
    private readonly source: SensitivePathSource,
    private readonly revision: () => number,
  ) {}

  get size(): number {
    return this.current().size;
  }

  has(leaf: string): boolean {
    return this.current().has(leaf);
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.current().values();
  }

  values(): SetIterator<string> {
    return this.current().values();
  }

  keys(): SetIterator<string> {
    return this.current().keys();
  }

  entries(): SetIterator<[string, string]> {
    return this.current().entries();
  }

  forEach(each: (value: string, key: string, set: ReadonlySet<string>) => void): void {
    this.current().forEach((value) => each(value, value, this));
  }

  /** The leaves as of the source's current revision. */
  private current(): ReadonlySet<string> {
    const revision = this.revision();
    if (revision !== this.seen) {
      this.seen = revision;
      this.snapshot = sensitiveLeaves(this.source);
    }
    return this.snapshot;
  }
}

/** Dotted paths (array elements by index) of every property in `value` named in `leaves`. */
export function leafPaths(value: JsonValue, leaves: ReadonlySet<string>, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || leaves.size === 0) return [];
  const entries: [string, JsonValue][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  return entries.flatMap(([key, inner]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return !Array.isArray(value) && leaves.has(key) ? [path] : leafPaths(inner, leaves, path);
  });
}

/** Encrypts every sensitive leaf of `value`; values already encrypted are left as they are. */
export function protect(value: JsonValue, leaves: ReadonlySet<string>, key: FieldKey): JsonValue {
  const paths = leafPaths(value, leaves);
  return paths.length === 0 ? value : encryptFields(value, paths, key);
}

/** Decrypts every token in `value`, or marks each one erased when the instance's key is gone. */
export const reveal = (value: JsonValue, key: FieldKey | 'erased'): JsonValue => decryptFields(value, key);
