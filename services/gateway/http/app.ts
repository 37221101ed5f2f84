// The fastify application: the route table, its handlers, access control and the error shape, without any
// connections.
import fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../../platform/logging/logger';
import type { AccessControl } from '../auth/access-control';
import { installErrorHandling } from './error-handler';
import { httpRedaction } from './log-redaction';
import { openApiDocument } from './openapi';
import { registerRoutes, type Handlers } from './register-routes';
import { ROUTES, type RouteSpec } from './route-table';
import { checkRouteTable } from './route-table-check';

export interface AppOptions {
  readonly handlers: Omit<Handlers, 'openapi'>;
  readonly access: AccessControl;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  readonly version: string;
  /** The table to serve; the gateway's own unless a test needs another. */
  readonly routes?: Readonly<Record<string, RouteSpec>>;
}

export function buildApp(options: AppOptions): FastifyInstance {
  const routes = options.routes ?? ROUTES;
  checkRouteTable(routes);
  const app = fastify({
    loggerInstance: options.logger.child({ component: 'http' }, { redact: httpRedaction() }),
    bodyLimit: options.bodyLimitBytes,
  }) as unknown as FastifyInstance;
  installErrorHandling(app, options.logger);
  const document = openApiDocument(routes, options.version);
  const handlers = { ...options.handlers, openapi: async () => ({ status: 200, body: document }) };
  registerRoutes(app, routes, handlers as Parameters<typeof registerRoutes>[2], options.access);
  return app;
}
