// Sensitive fields of a JSON value, addressed by the definition's dotted paths (`customer.email`): erasure
// replaces each present value by the ERASED marker. Paths go through objects only; arrays are left alone.
import type { JsonObject, JsonValue } from './json-value';

/** What an erased sensitive field reads as, wherever it is shown. */
export const ERASED = '[erased]';

const isObject = (value: JsonValue): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of `value` with every present sensitive path set to ERASED; untouched parts are shared. */
export function eraseFields(value: JsonValue, paths: readonly string[]): JsonValue {
  let result = value;
  for (const path of paths) result = eraseAt(result, path.split('.').filter(Boolean));
  return result;
}

function eraseAt(value: JsonValue, segments: readonly string[]): JsonValue {
  const [head, ...rest] = segments;
  if (head === undefined || !isObject(value) || !Object.hasOwn(value, head)) return value;
  const inner = value[head] as JsonValue;
  const replaced = rest.length === 0 ? ERASED : eraseAt(inner, rest);
  return replaced === inner ? value : { ...value, [head]: replaced };
}
