// Turns every failure into {error: {code, message, details}}: bad input is a 4xx with a stable code, a retriable
// dependency failure a 503, anything else a logged 500. That holds for fastify's own refusals too: an unknown
// route, a URL it cannot decode, a body it cannot parse, and a request the HTTP parser gave up on.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StatewrightError } from '../../core';
import type { Logger } from '../../platform/logging/logger';
import { ApiError } from './api-error';

/** Fastify's own 4xx errors (raised before a handler runs) under our codes. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-json-body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-content-length',
  FST_ERR_BAD_URL: 'invalid-url',
  FST_ERR_MAX_PARAM_LENGTH: 'path-parameter-too-long',
};

/** Node's HTTP parser's failures, answered before any request object exists. */
const CONNECTION_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request-timeout',
    message: 'the request was not received in time',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers-too-large',
    message: 'the request headers are too large',
  },
};

type ErrorReply = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

export function installErrorHandling(app: FastifyInstance, answer: ErrorReply): void {
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(
      404,
      'route-not-found',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    );
    return reply.code(404).send(error.toBody());
  });
  app.setErrorHandler(answer);
}

/** The answer to an error: fastify's error handler, and its `frameworkErrors` for URLs the router refused. */
export function errorReply(logger: Logger): ErrorReply {
  return (error, request, reply) => {
    const api = toApiError(error);
    if (api.status >= 500)
      logger.error({ err: error, url: request.url, method: request.method }, 'request failed');
    for (const [name, value] of Object.entries(api.responseHeaders())) void reply.header(name, value);
    return reply.code(api.status).send(api.toBody());
  };
}

/**
 * Fastify's `clientErrorHandler`: answers a request the parser refused or that timed out, in the product's shape
 * with `headers`, unless part of another answer already went out on the connection, then closes it.
 */
export function clientErrorReply(
  headers: Readonly<Record<string, string>>,
): (error: ConnectionError, socket: Socket) => void {
  return (error, socket) => {
    if (socket.destroyed) return;
    // A reset peer reads nothing more; a connection that already carried an answer gets no second one.
    if (error.code !== 'ECONNRESET' && socket.writable && socket.bytesWritten === 0) {
      const known = CONNECTION_ERRORS[error.code];
      const api = new ApiError(
        known?.status ?? 400,
        known?.code ?? 'malformed-request',
        known?.message ?? 'the request is not valid HTTP',
      );
      const body = JSON.stringify(api.toBody());
      const head = {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      const lines = Object.entries(head).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(`HTTP/1.1 ${api.status} ${STATUS_CODES[api.status]}\r\n${lines.join('')}\r\n${body}`);
    }
    socket.destroy();
  };
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StatewrightError && error.retriable) {
    return new ApiError(503, error.code, error.message, null, true);
  }
  // Not ours: fastify's refusals, raised before a handler runs, say their status in `statusCode`.
  const failure = error as Partial<FastifyError>;
  const status = failure.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (failure.code && FASTIFY_CODES[failure.code]) ?? 'bad-request';
    return new ApiError(status, code, failure.message ?? 'bad request');
  }
  return new ApiError(500, 'internal', 'internal error');
}
