// What the operational endpoints tell whom. With authentication on, the gateway's /metrics (versions, resource use,
// traffic) needs the viewer role; /readyz stays public and answers with booleans only, a failed check's reason
// going to the log. The orchestrator's and the workers' metrics servers listen on the loopback interface unless
// configured otherwise.
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { Registry } from 'prom-client';
import { loadConfig } from '../../services/orchestrator/config/orchestrator-config';
import { MetricsServer } from '../../services/platform/metrics/metrics-server';
import { loadWorkerConfig } from '../../services/worker/worker-config';
import { eventually } from '../harness/eventually';
import { endpoints } from '../harness/namespace';
import { createCredentialKit, type CredentialKit } from './credential-kit';
import { startSecuredGateway, type SecuredGateway } from './secured-gateway';

/** A proxy in front of Redis whose connections can be cut (and new ones refused) and then allowed again. */
class SeverableProxy {
  private severed = false;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server) {}

  static async start(target: URL): Promise<SeverableProxy> {
    const server = net.createServer();
    const proxy = new SeverableProxy(server);
    server.on('connection', (client) => proxy.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  sever(): void {
    this.severed = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.severed = false;
  }

  async close(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: URL): void {
    if (this.severed) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  }
}

describe('the gateway with authentication on', () => {
  let kit: CredentialKit;
  let redis: SeverableProxy;
  let secured: SecuredGateway;
  beforeAll(async () => {
    kit = await createCredentialKit();
    redis = await SeverableProxy.start(new URL(endpoints().redisUrl));
    secured = await startSecuredGateway('sec-operational', { ...kit.env, REDIS_URL: redis.url });
  });
  afterAll(async () => {
    redis?.restore();
    await secured?.stop();
    await redis?.close();
    await kit?.dispose();
  });

  test('/metrics refuses a caller without credentials or limited to some workflows, and serves a viewer', async () => {
    const anonymous = await secured.call({ method: 'GET', url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('unauthenticated');
    const token = await kit.token({ sub: 'prometheus', roles: ['viewer'] });
    const viewer = await secured.call({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(viewer.statusCode).toBe(200);
    expect(viewer.body).toContain('statewright_gateway_');
    const apiKey = await secured.call({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `ApiKey ${kit.viewerApiKey}` },
    });
    expect(apiKey.statusCode).toBe(200);
    // The metrics cover every workflow: a caller limited to some is refused them.
    const scoped = await secured.call({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-api-key': kit.operatorApiKey },
    });
    expect(scoped.statusCode).toBe(403);
  });

  test('/readyz answers anyone with booleans only, and a Redis outage with no reason beyond the log', async () => {
    const ready = await secured.call({ method: 'GET', url: '/readyz' });
    expect({ status: ready.statusCode, body: ready.json() }).toEqual({
      status: 200,
      body: { ready: true, checks: { kafka: true, redis: { ok: true }, projection: { running: true } } },
    });
    redis.sever();
    try {
      const down = await secured.call({ method: 'GET', url: '/readyz' });
      expect({ status: down.statusCode, body: down.json() }).toEqual({
        status: 503,
        body: { ready: false, checks: { kafka: true, redis: { ok: false }, projection: { running: true } } },
      });
      const logged = secured.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toContainEqual(
        expect.objectContaining({ check: 'redis', msg: 'readiness check failed', err: expect.anything() }),
      );
    } finally {
      redis.restore();
    }
    await eventually(
      'the gateway to be ready again',
      async () => (await secured.call({ method: 'GET', url: '/readyz' })).statusCode === 200,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  });
});

describe('metrics servers of the orchestrator and the workers', () => {
  /** An address of this host that another machine could reach, if it has one. */
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && !address.internal && address.family === 'IPv4')?.address;

  const reachable = (host: string, port: number) =>
    fetch(`http://${host}:${port}/metrics`).then(
      (response) => response.status === 200,
      () => false,
    );

  test('listen on 127.0.0.1 by default, not on the addresses other hosts reach; a host setting widens it', async () => {
    // Where this host has no address but loopback, the loopback half is all there is to show.
    const loopback = await MetricsServer.listen(new Registry(), 0);
    try {
      expect(await reachable('127.0.0.1', loopback.port)).toBe(true);
      if (external !== undefined) expect(await reachable(external, loopback.port)).toBe(false);
    } finally {
      await loopback.close();
    }
    const everywhere = await MetricsServer.listen(new Registry(), 0, '0.0.0.0');
    try {
      expect(await reachable(external ?? '127.0.0.1', everywhere.port)).toBe(true);
    } finally {
      await everywhere.close();
    }
  });

  test('their configurations default the metrics host to 127.0.0.1 and take METRICS_HOST / WORKER_METRICS_HOST', () => {
    const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
    const base = { KAFKA_BROKERS: kafkaBrokers, SCHEMA_REGISTRY_URL: schemaRegistryUrl, REDIS_URL: redisUrl };
    expect(loadConfig(base).metricsHost).toBe('127.0.0.1');
    expect(loadConfig({ ...base, METRICS_HOST: '0.0.0.0' }).metricsHost).toBe('0.0.0.0');
    expect(loadWorkerConfig(base).metricsHost).toBe('127.0.0.1');
    expect(loadWorkerConfig({ ...base, WORKER_METRICS_HOST: '0.0.0.0' }).metricsHost).toBe('0.0.0.0');
  });
});
