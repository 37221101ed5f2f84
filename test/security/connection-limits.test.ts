// The limits a client is held to before it has proved who it is: a connection that sends its headers too slowly,
// or its body too slowly, is answered 408 and closed once its time is up; an idle keep-alive connection is closed;
// and connections beyond the maximum are closed as soon as they are accepted.
import net from 'node:net';
import { startFixture, type GatewayFixture } from '../integration/gateway/gateway-fixture';

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1_500;
const KEEP_ALIVE_TIMEOUT_MS = 500;
/** How long past its limit a connection may stay open: the server checks timeouts on a period of its own. */
const SLACK_MS = 1_500;
/** How often the slow client sends its next bytes: well within every limit, so the connection is never idle. */
const DRIP_MS = 100;

interface Closed {
  readonly afterMs: number;
  readonly received: string;
}

/** A raw connection to the gateway and, once the server closes it, when that was and what it had sent. */
interface RawClient {
  readonly socket: net.Socket;
  closed(withinMs: number): Promise<Closed>;
  /** Writes `piece` every DRIP_MS until the connection closes. */
  drip(piece: string): void;
}

function connect(base: string): Promise<RawClient> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const started = Date.now();
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Writes racing the server's close fail with EPIPE or ECONNRESET; the close is what the tests observe.
    socket.on('error', () => undefined);
    const closing = new Promise<Closed>((done) =>
      socket.once('close', () =>
        done({ afterMs: Date.now() - started, received: Buffer.concat(chunks).toString('utf8') }),
      ),
    );
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        closed: (withinMs) => within(closing, withinMs, socket),
        drip: (piece) => {
          const timer = setInterval(() => socket.write(piece), DRIP_MS);
          socket.once('close', () => clearInterval(timer));
        },
      }),
    );
  });
}

/** The close, or a failure naming the bound when the server kept the connection open longer. */
function within(closing: Promise<Closed>, ms: number, socket: net.Socket): Promise<Closed> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for more than ${ms} ms`));
    }, ms);
  });
  return Promise.race([closing, timeout]).finally(() => clearTimeout(timer));
}

const statusOf = (received: string) => /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
const bodyOf = (received: string) => JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)) as unknown;

describe('timeouts', () => {
  let fixture: GatewayFixture;
  beforeAll(async () => {
    fixture = await startFixture('sec-timeouts', 1, {
      GATEWAY_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      GATEWAY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      GATEWAY_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    });
  });
  afterAll(() => fixture?.stop());

  test('a client that never finishes its headers is answered 408 and closed once the headers timeout passes', async () => {
    const client = await connect(fixture.base);
    client.socket.write('POST /workflows/order-saga/instances HTTP/1.1\r\nHost: gateway\r\n');
    client.drip('x-slow: still coming\r\n');
    const { afterMs, received } = await client.closed(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - DRIP_MS);
    expect(statusOf(received)).toBe('408');
    expect(bodyOf(received)).toEqual({
      error: { code: 'request-timeout', message: expect.any(String), details: null },
    });
  });

  test('a client that sends its body too slowly is answered 408 and closed once the request timeout passes', async () => {
    const client = await connect(fixture.base);
    client.socket.write(
      'POST /workflows/order-saga/instances HTTP/1.1\r\nHost: gateway\r\n' +
        'Content-Type: application/json\r\nContent-Length: 4096\r\nIdempotency-Key: slow-body\r\n\r\n{"input":"',
    );
    client.drip('x');
    const { afterMs, received } = await client.closed(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(afterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - DRIP_MS);
    expect(statusOf(received)).toBe('408');
  });

  test('an idle keep-alive connection is closed once the keep-alive timeout passes', async () => {
    const client = await connect(fixture.base);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
    // Node keeps the socket a second longer than it advertises, for requests already on their way.
    const { afterMs, received } = await client.closed(KEEP_ALIVE_TIMEOUT_MS + 1_000 + SLACK_MS);
    expect(statusOf(received)).toBe('200');
    expect(afterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS);
  });
});

describe('connection count', () => {
  const MAX_CONNECTIONS = 2;
  let fixture: GatewayFixture;
  beforeAll(async () => {
    fixture = await startFixture('sec-connections', 1, { GATEWAY_MAX_CONNECTIONS: String(MAX_CONNECTIONS) });
  });
  afterAll(() => fixture?.stop());

  test('a connection beyond the maximum is closed without an answer while the others are served', async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect(fixture.base)));
    try {
      for (const client of held) await answered(client.socket);
      const extra = await connect(fixture.base);
      extra.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
      const { received } = await extra.closed(5_000);
      expect(received).toBe('');
      expect(held.every((client) => !client.socket.destroyed)).toBe(true);
    } finally {
      for (const client of held) client.socket.destroy();
    }
  });
});

/** Sends a keep-alive request and resolves with the first bytes of its answer, so the server counts it open. */
function answered(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
    socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
  });
}
