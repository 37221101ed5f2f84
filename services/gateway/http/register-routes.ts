// Binds the route table to fastify: every request part is validated with its zod schema before a handler runs,
// and a failure becomes a 400 naming the part, the field and the problem.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiError } from './api-error';
import { ROUTES, type RouteId, type RouteSpec, type Routes } from './route-table';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<S extends RouteSpec> {
  readonly params: Out<S['params']>;
  readonly query: Out<S['query']>;
  readonly headers: Out<S['headers']>;
  readonly body: Out<S['body']>;
  /** The request path without its query string: part of an Idempotency-Key's fingerprint. */
  readonly path: string;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handlers = { readonly [K in RouteId]: (input: RouteInput<Routes[K]>) => Promise<Reply> };

type Part = 'path' | 'query' | 'header' | 'body';

export function registerRoutes(app: FastifyInstance, handlers: Handlers): void {
  for (const id of Object.keys(ROUTES) as RouteId[]) {
    const route: RouteSpec = ROUTES[id];
    const handler = handlers[id] as (input: RouteInput<RouteSpec>) => Promise<Reply>;
    app.route({
      method: route.method,
      url: route.path.replace(/\{([^}]+)\}/g, ':$1'),
      handler: async (request, reply) => {
        const result = await handler(inputOf(route, request));
        for (const [name, value] of Object.entries(result.headers ?? {})) void reply.header(name, value);
        return reply.code(result.status).send(result.body);
      },
    });
  }
}

function inputOf(route: RouteSpec, request: FastifyRequest): RouteInput<RouteSpec> {
  return {
    params: validate(route.params, request.params, 'path'),
    query: validate(route.query, request.query, 'query'),
    headers: validate(route.headers, request.headers, 'header'),
    body: validate(route.body, request.body, 'body'),
    path: request.url.split('?')[0] ?? request.url,
  } as RouteInput<RouteSpec>;
}

function validate(schema: z.ZodType | undefined, value: unknown, part: Part): unknown {
  if (schema === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    in: part,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const where = first && first.path !== '' ? `${first.path}: ` : '';
  const message = `invalid ${part}: ${where}${first?.message ?? 'not accepted'}`;
  const missingKey =
    part === 'header' &&
    issues.some((issue) => issue.path === 'idempotency-key') &&
    (value as Record<string, unknown>)['idempotency-key'] === undefined;
  throw new ApiError(400, missingKey ? 'idempotency-key-required' : `invalid-${part}`, message, issues);
}
