// Every answer of the gateway carries the browser-facing security headers, and every refusal, fastify's own
// included (unknown route, undecodable URL, unparsable or oversized body, malformed HTTP), has the product's
// error shape {error: {code, message, details}}.
import net from 'node:net';
import { startFixture, type GatewayFixture } from '../integration/gateway/gateway-fixture';
import type { CallResult } from '../integration/gateway/http-call';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
const errorShape = (code: string) => ({
  error: { code, message: expect.any(String), details: null },
});
const START = '/workflows/order-saga/instances';

let fixture: GatewayFixture;
beforeAll(async () => {
  fixture = await startFixture('sec-headers', 1, { GATEWAY_BODY_LIMIT_BYTES: '1024' });
});
afterAll(() => fixture?.stop());

const headersOf = (response: CallResult) =>
  Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, response.headers.get(name)]));

const post = (headers: Record<string, string>, raw: string) =>
  fixture.call({ method: 'POST', url: START, headers: { 'idempotency-key': 'headers-1', ...headers }, raw });

test('a 200, a 404 and a 400 all carry nosniff, no-store, the CSP, DENY framing and no referrer', async () => {
  const ok = await fixture.call({ method: 'GET', url: '/healthz' });
  const missing = await fixture.call({ method: 'GET', url: '/no-such-route' });
  const malformed = await post({ 'content-type': 'application/json' }, '{"input": ');
  expect([ok.statusCode, missing.statusCode, malformed.statusCode]).toEqual([200, 404, 400]);
  for (const response of [ok, missing, malformed]) expect(headersOf(response)).toEqual(SECURITY_HEADERS);
});

test("fastify's own refusals answer in the product's error shape, with the security headers", async () => {
  const cases: [Promise<CallResult>, number, string][] = [
    [fixture.call({ method: 'GET', url: '/no-such-route' }), 404, 'route-not-found'],
    [post({ 'content-type': 'application/json' }, '{"input": '), 400, 'invalid-json'],
    [post({ 'content-type': 'text/xml' }, '<input/>'), 415, 'unsupported-media-type'],
    [
      post({ 'content-type': 'application/json' }, JSON.stringify({ input: 'x'.repeat(2048) })),
      413,
      'body-too-large',
    ],
    [fixture.call({ method: 'GET', url: '/instances/%zz' }), 400, 'invalid-url'],
    [fixture.call({ method: 'GET', url: `/instances/${'x'.repeat(2_000)}` }), 414, 'path-parameter-too-long'],
  ];
  for (const [pending, status, code] of cases) {
    const response = await pending;
    expect({ status: response.statusCode, body: response.json() }).toEqual({
      status,
      body: errorShape(code),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(headersOf(response)).toEqual(SECURITY_HEADERS);
  }
});

test("a request Node's HTTP parser refuses gets a product-shaped 400 with the security headers, then a close", async () => {
  const answer = await rawExchange(
    fixture.base,
    'GET /healthz HTTP/1.1\r\nHost: gateway\r\nBad Header\r\n\r\n',
  );
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 400 /);
  const headers = Object.fromEntries(
    head
      .split('\r\n')
      .slice(1)
      .map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
  );
  expect(headers).toMatchObject({ ...SECURITY_HEADERS, connection: 'close' });
  expect(JSON.parse(body)).toEqual(errorShape('malformed-request'));
});

/** Writes `request` on a fresh connection; resolves with everything read once the server closes it (5 s at most). */
function rawExchange(base: string, request: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server did not close the connection within 5 s'));
    }, 5_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
