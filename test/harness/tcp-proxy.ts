// A tiny TCP proxy in front of a real server, to take it "down" from the client's point of view and back,
// and to disturb the connections through it: added latency, stalled traffic, connections cut mid-stream.
import net from 'node:net';

/** One direction of one connection: chunks forwarded in order, each after the proxy's delay. */
class Pipe {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly proxy: TcpProxy,
    private readonly to: net.Socket,
  ) {}

  forward(chunk: Buffer): void {
    this.chain = this.chain
      .then(() => this.proxy.passable())
      .then(() => (this.proxy.delayMs > 0 ? pause(this.proxy.delayMs) : undefined))
      .then(() => {
        if (!this.to.destroyed) this.to.write(chunk);
      });
  }

  /** Ends the far side once what was forwarded before has been written. */
  end(): void {
    this.chain = this.chain.then(() => {
      if (!this.to.destroyed) this.to.end();
    });
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Splits a client's byte stream into Kafka requests (each an int32 size, then the api key) and tells, per request,
 * whether it may pass: a request the proxy refuses cuts its connection before it reaches the server.
 */
class RequestFrames {
  private pending = Buffer.alloc(0);

  constructor(private readonly refused: (apiKey: number) => boolean) {}

  /** Whether every request completed by `chunk` may pass. */
  admits(chunk: Buffer): boolean {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 6) {
      const size = this.pending.readInt32BE(0);
      if (this.refused(this.pending.readInt16BE(4))) return false;
      if (this.pending.length < 4 + size) break;
      this.pending = this.pending.subarray(4 + size);
    }
    return true;
  }
}

export class TcpProxy {
  /** Added to every chunk in both directions. */
  delayMs = 0;
  /** Kafka requests (by api key) that cut their connection instead of reaching the broker. */
  readonly refusedApiKeys = new Set<number>();
  /** Connections cut by `cut()` so far. */
  cutCount = 0;
  /** Connections accepted so far. */
  acceptedCount = 0;
  private stalled: { promise: Promise<void>; release: () => void } | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly sockets: Set<net.Socket>,
  ) {}

  /** Listens on `listenPort` (a free one when 0) and forwards every connection to the target. */
  static async start(targetHost: string, targetPort: number, listenPort = 0): Promise<TcpProxy> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer();
    const proxy = new TcpProxy(server, sockets);
    server.on('connection', (client) => {
      proxy.acceptedCount += 1;
      const upstream = net.connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      }
      const toUpstream = new Pipe(proxy, upstream);
      const toClient = new Pipe(proxy, client);
      // A reset on either side cuts the pair; a close ends the other side after what is still in flight.
      for (const [socket, other] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        socket.on('error', () => {
          socket.destroy();
          other.destroy();
        });
      }
      client.on('close', () => toUpstream.end());
      upstream.on('close', () => toClient.end());
      const requests = new RequestFrames((apiKey) => proxy.refusedApiKeys.has(apiKey));
      client.on('data', (chunk: Buffer) => {
        if (requests.admits(chunk)) toUpstream.forward(chunk);
        else {
          client.destroy();
          upstream.destroy();
        }
      });
      upstream.on('data', (chunk: Buffer) => toClient.forward(chunk));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Open connections (each side counted once). */
  get connections(): number {
    return Math.floor(this.sockets.size / 2);
  }

  /** Holds every byte in flight, in both directions, until `resume()`; connections stay open. */
  stall(): void {
    if (this.stalled !== undefined) return;
    let release = () => {};
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.stalled = { promise, release };
  }

  resume(): void {
    this.stalled?.release();
    this.stalled = undefined;
  }

  /** Resolves when traffic may pass. */
  passable(): Promise<void> {
    return this.stalled?.promise ?? Promise.resolve();
  }

  /** Cuts every open connection (whatever it was in the middle of); new ones are accepted. */
  cut(): void {
    this.cutCount += this.connections;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Refuses new connections and cuts open ones. */
  async close(): Promise<void> {
    this.resume();
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
