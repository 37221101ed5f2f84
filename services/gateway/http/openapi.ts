// Generates the OpenAPI 3.1 document from the route table. Each zod schema becomes JSON Schema 2020-12; its local
// `$defs` move to components so references resolve against the document root.
import { z } from 'zod';
import type { RouteSpec } from './route-table';
import { SECURITY_SCHEMES, securityOf } from './openapi-security';

type Json = Record<string, unknown>;

export function openApiDocument(routes: Readonly<Record<string, RouteSpec>>, version: string): Json {
  const components: Json = {};
  const paths: Record<string, Json> = {};
  for (const [id, route] of Object.entries(routes)) {
    const operations = paths[route.path] ?? {};
    operations[route.method.toLowerCase()] = operation(id, route, components);
    paths[route.path] = operations;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'statewright gateway', version },
    paths,
    components: { schemas: components, securitySchemes: SECURITY_SCHEMES },
  };
}

function operation(id: string, route: RouteSpec, components: Json): Json {
  const parameters = [
    ...parametersOf('path', route.params, `${id}_path`, components),
    ...parametersOf('query', route.query, `${id}_query`, components),
    ...parametersOf('header', route.headers, `${id}_header`, components),
  ];
  const responses: Json = {};
  const security = securityOf(route);
  for (const [status, response] of Object.entries({ ...route.responses, ...security.responses })) {
    const content = response.schema
      ? { 'application/json': { schema: embed(response.schema, `${id}_${status}`, components, 'output') } }
      : undefined;
    responses[status] = { description: response.description, ...(content ? { content } : {}) };
  }
  const body = route.body
    ? {
        requestBody: {
          required: !route.body.safeParse(undefined).success,
          content: { 'application/json': { schema: embed(route.body, `${id}_body`, components, 'input') } },
        },
      }
    : {};
  return { operationId: id, summary: route.summary, ...security.operation, parameters, ...body, responses };
}

function parametersOf(
  place: string,
  schema: z.ZodObject | undefined,
  name: string,
  components: Json,
): Json[] {
  if (schema === undefined) return [];
  const json = embed(schema, name, components, 'input');
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([key, property]) => ({
    name: key,
    in: place,
    required: place === 'path' || required.has(key),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function embed(schema: z.ZodType, name: string, components: Json, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  const { $schema: _dialect, $defs, ...rest } = json;
  const rename = (definition: string) => `${name}_${definition.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  for (const [definition, body] of Object.entries(($defs ?? {}) as Json)) {
    components[rename(definition)] = relink(body, rename);
  }
  return relink(rest, rename) as Json;
}

function relink(value: unknown, rename: (definition: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => relink(item, rename));
  if (value === null || typeof value !== 'object') return value;
  const copy: Json = {};
  for (const [key, inner] of Object.entries(value as Json)) {
    copy[key] =
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
        ? `#/components/schemas/${rename(inner.slice('#/$defs/'.length))}`
        : relink(inner, rename);
  }
  return copy;
}
