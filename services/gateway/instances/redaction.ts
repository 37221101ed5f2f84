// Hides personal data before it leaves the gateway. A definition names sensitive dotted paths into its context;
// task inputs and payloads have no declared shape, so there every property named like a path's last segment goes.
// A field already erased stays visibly erased: readers must be able to tell erasure from redaction.
import { ERASED, type JsonValue } from '../../core';

export const REDACTED = '[redacted]';

/** Which fields to hide; `everything` when the workflow is unknown here, so nothing can be told about it. */
export type Sensitivity =
  { readonly kind: 'paths'; readonly paths: readonly string[] } | { readonly kind: 'everything' };

export function redactContext(value: JsonValue, sensitivity: Sensitivity): JsonValue {
  if (sensitivity.kind === 'everything') return REDACTED;
  return sensitivity.paths.reduce((current, path) => redactPath(current, path.split('.')), value);
}

/** For values without a declared shape: hides every property, at any depth, named like a sensitive leaf. */
export function redactLoose(value: JsonValue, sensitivity: Sensitivity): JsonValue {
  if (sensitivity.kind === 'everything') return REDACTED;
  const leaves = new Set(sensitivity.paths.map((path) => path.split('.').at(-1) ?? path));
  return leaves.size === 0 ? value : redactLeaves(value, leaves);
}

function redactPath(value: JsonValue, segments: readonly string[]): JsonValue {
  const [head, ...rest] = segments;
  if (head === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactPath(item, segments));
  if (!(head in value)) return value;
  const inner = value[head] as JsonValue;
  return { ...value, [head]: rest.length === 0 ? hidden(inner) : redactPath(inner, rest) };
}

function redactLeaves(value: JsonValue, leaves: ReadonlySet<string>): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactLeaves(item, leaves));
  const copy: Record<string, JsonValue> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = leaves.has(key) ? hidden(inner) : redactLeaves(inner, leaves);
  }
  return copy;
}

const hidden = (value: JsonValue): JsonValue => (value === ERASED ? ERASED : REDACTED);
