// JSON values as the core stores them: every record and instance must survive a JSON round trip unchanged.
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const NOT_JSON = Symbol('not-json');

/**
 * Returns `value` as a JSON value, or undefined when it has no faithful JSON form (functions,
 * NaN, class instances, undefined array slots...). Object properties holding undefined are dropped
 * and -0 becomes 0, exactly as a JSON round trip would; the same reference is returned when the
 * value is already clean, so clean contexts are not copied.
 */
export function toJson(value: unknown): JsonValue | undefined {
  const result = normalise(value, 0);
  return result === NOT_JSON ? undefined : result;
}

/**
 * The deepest nesting of arrays and objects any JSON value may have: inputs, payloads, outputs and contexts.
 * The gateway refuses a deeper body with 400; the orchestrator dead-letters a deeper command.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests deeper than `max` levels; iterative, so any depth is measured without a stack overflow. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(next)) pending.push([child, depth + 1]);
  }
  return false;
}

const MAX_DEPTH = MAX_JSON_DEPTH;

function normalise(value: unknown, depth: number): JsonValue | typeof NOT_JSON {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return NOT_JSON;
    return Object.is(value, -0) ? 0 : value;
  }
  if (typeof value !== 'object' || depth > MAX_DEPTH) return NOT_JSON;
  if (Array.isArray(value)) return normaliseArray(value, depth);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_JSON;
  return normaliseObject(value as Record<string, unknown>, depth);
}

function normaliseArray(value: unknown[], depth: number): JsonValue[] | typeof NOT_JSON {
  let copy: JsonValue[] | undefined;
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return NOT_JSON;
    const item = normalise(value[i], depth + 1);
    if (item === NOT_JSON) return NOT_JSON;
    if (!Object.is(item, value[i]) && copy === undefined) copy = value.slice(0, i) as JsonValue[];
    if (copy !== undefined) copy.push(item);
  }
  return copy ?? (value as JsonValue[]);
}

function normaliseObject(value: Record<string, unknown>, depth: number): JsonObject | typeof NOT_JSON {
  let changed = Object.getPrototypeOf(value) === null;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const raw = value[key];
    if (raw === undefined) {
      changed = true;
      continue;
    }
    const item = normalise(raw, depth + 1);
    if (item === NOT_JSON) return NOT_JSON;
    if (!Object.is(item, raw)) changed = true;
    setOwn(out, key, item);
  }
  return changed ? out : (value as JsonObject);
}

/** Defines `key` as an own property even when it is `__proto__`, as JSON.parse does. */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Key-sorted JSON text: equal values give equal text whatever their key order. Built by appending to one string,
 * without a list per level: every command's signature goes through it.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++)
      text += (i === 0 ? '' : ',') + canonicalJson(value[i] as JsonValue);
    return `${text}]`;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    text += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`;
  }
  return `${text}}`;
}
