// The fastify application: the route table, its handlers and the error shape, without any connections.
import fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../../platform/logging/logger';
import { installErrorHandling } from './error-handler';
import { openApiDocument } from './openapi';
import { registerRoutes, type Handlers } from './register-routes';
import { ROUTES } from './route-table';

export interface AppOptions {
  readonly handlers: Omit<Handlers, 'openapi'>;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  readonly version: string;
}

export function buildApp(options: AppOptions): FastifyInstance {
  const app = fastify({
    loggerInstance: options.logger.child({ component: 'http' }),
    bodyLimit: options.bodyLimitBytes,
  }) as unknown as FastifyInstance;
  installErrorHandling(app, options.logger);
  const document = openApiDocument(ROUTES, options.version);
  registerRoutes(app, { ...options.handlers, openapi: async () => ({ status: 200, body: document }) });
  return app;
}
