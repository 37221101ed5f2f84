// Serves one prom-client registry on /metrics over plain HTTP, on the loopback interface unless told otherwise:
// the metrics show versions, resource use and traffic, and the server has no authentication. With a readiness,
// it also answers /healthz and /readyz (which names the dependencies still awaited).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Readiness } from '../health/readiness';

export class MetricsServer {
  private constructor(private readonly server: http.Server) {}

  /** With `readiness`, /healthz answers while the process runs and /readyz whether it is ready (503: not yet). */
  static async listen(
    registry: Registry,
    port: number,
    host = '127.0.0.1',
    readiness?: Readiness,
  ): Promise<MetricsServer> {
    const server = http.createServer((request, response) => {
      if (readiness !== undefined && (request.url === '/healthz' || request.url === '/readyz')) {
        healthAnswer(request.url, readiness, response);
        return;
      }
      if (request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new MetricsServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

function healthAnswer(url: string, readiness: Readiness, response: http.ServerResponse): void {
  const json = { 'content-type': 'application/json' };
  if (url === '/healthz') {
    response.writeHead(200, json).end(JSON.stringify({ status: 'ok' }));
    return;
  }
  const ready = readiness.ready;
  response.writeHead(ready ? 200 : 503, json).end(JSON.stringify({ ready, waitingFor: readiness.awaited() }));
}
