// Binds the route table to fastify. Access control runs first, on request: an unidentified caller gets 401 and a
// caller without the permission 403 before its body is even parsed. Then every request part is validated with its
// zod schema before a handler runs, and a failure becomes a 400 naming the part, the field and the problem.
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AccessControl } from '../auth/access-control';
import { ForbiddenError, UnauthenticatedError } from '../auth/auth-errors';
import { actorOf, type Principal } from '../auth/principal';
import { ApiError } from './api-error';
import type { RouteId, RouteSpec, Routes } from './route-table';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<S extends RouteSpec> {
  readonly params: Out<S['params']>;
  readonly query: Out<S['query']>;
  readonly headers: Out<S['headers']>;
  readonly body: Out<S['body']>;
  /** The request path without its query string: part of an Idempotency-Key's fingerprint. */
  readonly path: string;
  readonly principal: Principal;
  /** Who the audit trail names: the principal, or X-Actor when authentication is disabled. */
  readonly actor: string;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handlers = { readonly [K in RouteId]: (input: RouteInput<Routes[K]>) => Promise<Reply> };

type Part = 'path' | 'query' | 'header' | 'body';
type AnyHandler = (input: RouteInput<RouteSpec>) => Promise<Reply>;

export function registerRoutes(
  app: FastifyInstance,
  routes: Readonly<Record<string, RouteSpec>>,
  handlers: Readonly<Record<string, AnyHandler | undefined>>,
  access: AccessControl,
): void {
  const principals = new WeakMap<FastifyRequest, Principal>();
  for (const [id, route] of Object.entries(routes)) {
    const handler = handlers[id];
    if (handler === undefined) throw new Error(`route ${id} has no handler`);
    app.route({
      method: route.method,
      url: route.path.replace(/\{([^}]+)\}/g, ':$1'),
      onRequest: async (request) => {
        principals.set(request, await admit(access, id, route, request));
      },
      handler: async (request, reply) => {
        const principal = principals.get(request);
        if (principal === undefined) throw new Error(`route ${id} ran without access control`);
        const result = await handler(inputOf(route, request, principal));
        for (const [name, value] of Object.entries(result.headers ?? {})) void reply.header(name, value);
        return reply.code(result.status).send(result.body);
      },
    });
  }
}

/** Refusals are logged with their reason and the principal's name; never with the credential. */
async function admit(
  access: AccessControl,
  id: string,
  route: RouteSpec,
  request: FastifyRequest,
): Promise<Principal> {
  try {
    const params = request.params as Readonly<Record<string, string | undefined>>;
    return await access.admit(route, { headers: request.headers, params });
  } catch (error) {
    if (error instanceof UnauthenticatedError) {
      request.log.warn({ route: id, refusal: error.reason }, 'request not authenticated');
    } else if (error instanceof ForbiddenError) {
      request.log.warn({ route: id, actor: error.actor, refusal: error.details }, 'request forbidden');
    }
    throw error;
  }
}

function inputOf(route: RouteSpec, request: FastifyRequest, principal: Principal): RouteInput<RouteSpec> {
  const headers = validate(route.headers, request.headers, 'header') as { 'x-actor'?: string } | undefined;
  return {
    params: validate(route.params, request.params, 'path'),
    query: validate(route.query, request.query, 'query'),
    headers,
    body: validate(route.body, request.body, 'body'),
    path: request.url.split('?')[0] ?? request.url,
    principal,
    actor: actorOf(principal, headers?.['x-actor']),
  } as RouteInput<RouteSpec>;
}

function validate(schema: z.ZodType | undefined, value: unknown, part: Part): unknown {
  if (schema === undefined) return undefined;
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new ApiError(400, 'too-deep', `invalid ${part}: nested deeper than ${MAX_JSON_DEPTH} levels`, {
      maxDepth: MAX_JSON_DEPTH,
    });
  }
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
