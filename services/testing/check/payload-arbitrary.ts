// Generators of payloads and inputs derived from a definition's zod schemas, through their JSON Schema: good
// enough for objects, strings, numbers, enums, literals, arrays, unions and records. Refinements and transforms are
// not seen, so a derived value may still be refused; callers pass their own generator where that matters.
import fc from 'fast-check';
import { z } from 'zod';
import type { JsonValue } from '../../core';

type JsonSchema = { readonly [key: string]: unknown };

/** How deep a derived value nests before it gives up and answers null (recursive schemas such as z.json()). */
const MAX_DEPTH = 4;
/** Unbounded numbers are drawn from a range a business rule is likely to accept. */
const NUMBER_RANGE = 1_000_000;

const anyJson: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;

/** A generator of values the schema describes; any JSON for a schema-less event. */
export function arbitraryOf(schema: z.ZodType | null): fc.Arbitrary<JsonValue> {
  if (schema === null) return anyJson;
  let root: JsonSchema;
  try {
    root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    // A schema JSON Schema cannot express (a custom type): any JSON, which the schema will mostly refuse.
    return anyJson;
  }
  const defs = (root['$defs'] ?? {}) as Record<string, JsonSchema>;
  return fromSchema(root, defs, 0);
}

/** Values a payload schema is unlikely to accept: the other half of what a producer might send. */
export const wrongPayload: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.constant('not an object'),
  fc.constant({ unexpected: true }),
  fc.integer().map((n): JsonValue => n),
);

function fromSchema(
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  depth: number,
): fc.Arbitrary<JsonValue> {
  if (depth > MAX_DEPTH) return fc.constant(null);
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = defs[ref.replace(/^#\/\$defs\//, '')];
    return target === undefined ? anyJson : fromSchema(target, defs, depth + 1);
  }
  if ('const' in schema) return fc.constant(schema['const'] as JsonValue);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as JsonValue[]));
  const options = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  if (Array.isArray(options) && options.length > 0) {
    return fc.oneof(...options.map((option) => fromSchema(option, defs, depth + 1)));
  }
  const all = schema['allOf'] as JsonSchema[] | undefined;
  if (Array.isArray(all) && all.length > 0) return fromSchema(all[0] as JsonSchema, defs, depth + 1);
  const type = schema['type'];
  if (Array.isArray(type)) {
    return fc.oneof(...type.map((t) => fromSchema({ ...schema, type: t }, defs, depth)));
  }
  return byType(type, schema, defs, depth);
}

function byType(
  type: unknown,
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  depth: number,
): fc.Arbitrary<JsonValue> {
  switch (type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer(bounds(schema, 1)) as fc.Arbitrary<JsonValue>;
    case 'number':
      return numberOf(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayOf(schema, defs, depth);
    case 'object':
      return objectOf(schema, defs, depth);
    default:
      return anyJson;
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<JsonValue> {
  const minLength = (schema['minLength'] as number | undefined) ?? 0;
  const maxLength = (schema['maxLength'] as number | undefined) ?? Math.max(minLength, 12);
  switch (schema['format']) {
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
    default:
      break;
  }
  if (typeof schema['pattern'] === 'string') return fc.stringMatching(new RegExp(schema['pattern']));
  return fc.string({ minLength, maxLength });
}

/** Inclusive bounds; an exclusive bound moves in by `step` (1 for integers). */
function bounds(schema: JsonSchema, step: number): { min: number; max: number } {
  const min =
    (schema['minimum'] as number | undefined) ??
    (typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] + step : -NUMBER_RANGE);
  const max =
    (schema['maximum'] as number | undefined) ??
    (typeof schema['exclusiveMaximum'] === 'number' ? schema['exclusiveMaximum'] - step : NUMBER_RANGE);
  return { min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) };
}

function numberOf(schema: JsonSchema): fc.Arbitrary<JsonValue> {
  const { min, max } = bounds(schema, 0);
  return fc.double({
    min,
    max,
    minExcluded: typeof schema['exclusiveMinimum'] === 'number',
    maxExcluded: typeof schema['exclusiveMaximum'] === 'number',
    noNaN: true,
    noDefaultInfinity: true,
  });
}

function arrayOf(
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  depth: number,
): fc.Arbitrary<JsonValue> {
  const items = (schema['items'] as JsonSchema | undefined) ?? {};
  const minLength = (schema['minItems'] as number | undefined) ?? 0;
  const maxLength = Math.min((schema['maxItems'] as number | undefined) ?? minLength + 3, minLength + 3);
  return fc.array(fromSchema(items, defs, depth + 1), { minLength, maxLength });
}

function objectOf(
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  depth: number,
): fc.Arbitrary<JsonValue> {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = (schema['required'] ?? []) as string[];
  const extra = schema['additionalProperties'];
  if (Object.keys(properties).length === 0 && typeof extra === 'object' && extra !== null) {
    return fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }),
      fromSchema(extra as JsonSchema, defs, depth + 1),
      {
        maxKeys: 3,
      },
    );
  }
  const fields = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, fromSchema(value, defs, depth + 1)]),
  );
  return fc.record(fields, {
    requiredKeys: required.filter((key) => key in fields),
  }) as fc.Arbitrary<JsonValue>;
}
