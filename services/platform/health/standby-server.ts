// Holds a service's HTTP port while it waits for its dependencies: /healthz answers (the process is alive),
// /readyz and every other request answer 503 with what is awaited, so clients retry instead of finding no one.
import http from 'node:http';
import type { Readiness } from './readiness';

export class StandbyServer {
  private constructor(private readonly server: http.Server) {}

  static async listen(port: number, host: string, readiness: Readiness): Promise<StandbyServer> {
    const server = http.createServer((request, response) => {
      const json = { 'content-type': 'application/json', 'cache-control': 'no-store' };
      if (request.url === '/healthz') {
        response.writeHead(200, json).end(JSON.stringify({ status: 'ok' }));
        return;
      }
      const waitingFor = readiness.awaited();
      const body =
        request.url === '/readyz'
          ? { ready: false, waitingFor }
          : {
              error: {
                code: 'starting',
                message: 'starting: waiting for its dependencies',
                details: { waitingFor },
              },
            };
      response.writeHead(503, { ...json, 'retry-after': '1' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new StandbyServer(server);
  }

  /** Frees the port for the service itself; open connections are closed. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
