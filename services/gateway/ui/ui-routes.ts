// Serves the operator UI at /ui and its live stream at /ui/events. The pages carry a strict CSP of their own (only
// this origin's script, style and fetches; nothing inline), and read the API with the user's credential like any
// client, so the API's access control is the UI's. The stream authenticates from the Authorization header (the
// browser reads it with fetch, not EventSource) and hears only of the caller's workflows.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessControl } from '../auth/access-control';
import { ApiError } from '../http/api-error';
import { SECURITY_HEADERS } from '../http/app';
import { LiveFeedFullError, type ChangeNotice, type LiveFeed } from './live-feed';
import type { UiAsset } from './ui-assets';

export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Unsent notices a stream may hold before it is closed as too slow. */
export const MAX_QUEUED_NOTICES = 256;
const KEEPALIVE_MS = 15_000;

export interface UiRouteOptions {
  readonly assets: ReadonlyMap<string, UiAsset>;
  readonly access: AccessControl;
  readonly feed: LiveFeed;
}

export function registerUiRoutes(app: FastifyInstance, options: UiRouteOptions): void {
  const page = async (request: FastifyRequest, reply: FastifyReply, name: string) => {
    const asset = options.assets.get(name);
    if (asset === undefined)
      return reply
        .code(404)
        .send({ error: { code: 'ui-not-built', message: 'run make build', details: null } });
    return reply.header('content-type', asset.type).send(asset.body);
  };
  const withUiPolicy = async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    void reply.header('content-security-policy', UI_CSP);
    return payload;
  };
  app.get('/ui', (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui/', { onSend: withUiPolicy }, (request, reply) => page(request, reply, 'index.html'));
  app.get('/ui/app.js', { onSend: withUiPolicy }, (request, reply) => page(request, reply, 'app.js'));
  app.get('/ui/app.css', { onSend: withUiPolicy }, (request, reply) => page(request, reply, 'app.css'));
  app.get('/ui/events', async (request, reply) => {
    const principal = await options.access.admit(
      { permission: 'instances:read', scope: { narrowedByHandler: true } },
      { headers: request.headers, params: {} },
    );
    openStream(request, reply, options.feed, principal.workflows);
  });
}

function openStream(
  request: FastifyRequest,
  reply: FastifyReply,
  feed: LiveFeed,
  workflows: readonly string[] | null,
): void {
  const socket = reply.raw;
  let queued = 0;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    remove();
    socket.end();
  };
  const write = (text: string): boolean => {
    if (closed) return false;
    if (socket.write(text)) return true;
    queued += 1;
    return queued <= MAX_QUEUED_NOTICES;
  };
  let remove: () => void;
  try {
    remove = feed.open({
      workflows,
      send: (notice: ChangeNotice) => write(`event: change\ndata: ${JSON.stringify(notice)}\n\n`),
      close,
    });
  } catch (error) {
    if (error instanceof LiveFeedFullError) throw new ApiError(503, error.code, error.message);
    throw error;
  }
  reply.hijack();
  socket.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    connection: 'keep-alive',
  });
  socket.on('drain', () => void (queued = 0));
  write(': open\n\n');
  const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
  request.raw.on('close', close);
}
