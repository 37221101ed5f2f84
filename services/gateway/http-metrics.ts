// The gateway's Prometheus endpoint and the request metrics behind it: every answered request is counted by its
// route template (never the concrete path, which holds ids), method and status, and timed.
import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from './metrics/gateway-metrics';
import type { Handlers } from './http/register-routes';

/** Observes requests from now on; call before the app is ready so the hook covers every route. */
export function observeRequests(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    metrics.requests.inc({ route, method, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ route, method }, reply.elapsedTime / 1000);
  });
}

export function metricsHandlers(metrics: GatewayMetrics): Pick<Handlers, 'metrics'> {
  return {
    metrics: async () => ({
      status: 200,
      body: await metrics.registry.metrics(),
      headers: { 'content-type': metrics.registry.contentType },
    }),
  };
}
