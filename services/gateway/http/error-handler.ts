// Turns every failure into {error: {code, message, details}}: bad input is a 4xx with a stable code, a retriable
// dependency failure a 503, anything else a logged 500.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../../platform/logging/logger';
import { ApiError } from './api-error';

/** Fastify's own 4xx errors (raised before a handler runs) under our codes. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-json-body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-content-length',
};

export function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(
      404,
      'route-not-found',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    );
    return reply.code(404).send(error.toBody());
  });
  app.setErrorHandler((error, request, reply) => {
    const api = toApiError(error);
    if (api.status >= 500)
      logger.error({ err: error, url: request.url, method: request.method }, 'request failed');
    for (const [name, value] of Object.entries(api.responseHeaders())) void reply.header(name, value);
    return reply.code(api.status).send(api.toBody());
  });
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const failure = error as Partial<FastifyError> & { retriable?: unknown };
  const status = failure.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (failure.code && FASTIFY_CODES[failure.code]) ?? 'bad-request';
    return new ApiError(status, code, failure.message ?? 'bad request');
  }
  if (failure.retriable === true) {
    const code = typeof failure.code === 'string' ? failure.code : 'unavailable';
    return new ApiError(503, code, failure.message ?? 'a dependency is unavailable', null, true);
  }
  return new ApiError(500, 'internal', 'internal error');
}
