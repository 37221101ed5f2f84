// The fastify application: the route table, its handlers, access control, the error shape, the headers every
// answer carries and the limits a client is held to, without any connections.
import fastify, { type FastifyInstance } from 'fastify';
import { MAX_COMMAND_ID_LENGTH } from '../../core';
import type { Logger } from '../../platform/logging/logger';
import type { AccessControl } from '../auth/access-control';
import { HTTP_LIMIT_DEFAULTS, type HttpLimits } from '../config/gateway-config';
import { clientErrorReply, errorReply, installErrorHandling } from './error-handler';
import { httpRedaction } from './log-redaction';
import { openApiDocument } from './openapi';
import { registerRoutes, type Handlers } from './register-routes';
import { ROUTES, type RouteSpec } from './route-table';
import { checkRouteTable } from './route-table-check';

/**
 * On every answer, errors included: answers hold personal data, so nothing caches them; they are JSON for
 * programs, so a browser neither sniffs another type, runs or loads anything from them, frames them, nor sends
 * their URL (which holds instance ids) on as a referrer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export interface AppOptions {
  readonly handlers: Omit<Handlers, 'openapi'>;
  readonly access: AccessControl;
  readonly bodyLimitBytes: number;
  /** The defaults of the configuration when absent. */
  readonly limits?: HttpLimits;
  readonly logger: Logger;
  readonly version: string;
  /** The table to serve; the gateway's own unless a test needs another. */
  readonly routes?: Readonly<Record<string, RouteSpec>>;
}

export function buildApp(options: AppOptions): FastifyInstance {
  const routes = options.routes ?? ROUTES;
  checkRouteTable(routes);
  const limits = options.limits ?? HTTP_LIMIT_DEFAULTS;
  const answerError = errorReply(options.logger);
  const app = fastify({
    loggerInstance: options.logger.child({ component: 'http' }, { redact: httpRedaction() }),
    bodyLimit: options.bodyLimitBytes,
    // Every id a route takes fits, percent-encoded at three characters a character.
    routerOptions: { maxParamLength: 3 * MAX_COMMAND_ID_LENGTH },
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks both timeouts on this period (30 s by default), which would stretch a 10 s limit to 40 s.
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 4)),
    },
    // The router's refusals (an undecodable URL, an overlong parameter) are answered before any hook runs.
    frameworkErrors: (error, request, reply) => answerError(error, request, reply.headers(SECURITY_HEADERS)),
    clientErrorHandler: clientErrorReply(SECURITY_HEADERS),
  }) as unknown as FastifyInstance;
  app.server.maxConnections = limits.maxConnections;
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.headers(SECURITY_HEADERS);
    return payload;
  });
  installErrorHandling(app, answerError);
  const document = openApiDocument(routes, options.version);
  const handlers = { ...options.handlers, openapi: async () => ({ status: 200, body: document }) };
  registerRoutes(app, routes, handlers as Parameters<typeof registerRoutes>[2], options.access);
  return app;
}
