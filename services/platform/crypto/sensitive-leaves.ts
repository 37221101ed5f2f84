// Which fields are encrypted, wherever they travel. A definition names sensitive paths into its context
// (`customer.email`); start inputs, payloads, task inputs and stored records have other shapes, so every property
// named like a path's last segment (`email`, `cardNumber`) is protected, at any depth, in any of them.
import type { JsonValue, Registry } from '../../core';
import { decryptFields, encryptFields, type FieldKey } from './field-cipher';

/** The last segments of every sensitive path of every registered definition. */
export function sensitiveLeaves(registry: Registry): ReadonlySet<string> {
  const leaves = new Set<string>();
  for (const name of registry.names())
    for (const version of registry.versions(name))
      for (const path of registry.get(name, version)?.sensitive ?? []) {
        const leaf = path.split('.').filter(Boolean).at(-1);
        if (leaf !== undefined) leaves.add(leaf);
      }
  return leaves;
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
