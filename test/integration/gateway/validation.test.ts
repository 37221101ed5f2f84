// Bad requests get a 4xx with {error: {code, message, details}}, never a 500, and /openapi.json documents every
// route of the table the requests are validated against.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ROUTES } from '../../../services/gateway/http/route-table';
import { startFixture, type GatewayFixture } from './gateway-fixture';
import type { CallOptions } from './http-call';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startFixture('gw-validation');
});

afterAll(async () => {
  await fixture?.stop();
});

const key = () => ({ 'idempotency-key': `key-${randomUUID()}` });
const validOrder = {
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 1 }],
  amount: 1,
  payment: { cardNumber: '4111111111111111' },
  address: 'here',
};
const startUrl = '/workflows/order-saga/instances';

const badRequests: [string, CallOptions, number, string][] = [
  [
    'a text body',
    { method: 'POST', url: startUrl, headers: { ...key(), 'content-type': 'text/plain' }, raw: 'hello' },
    400,
    'invalid-body',
  ],
  [
    'no Idempotency-Key',
    { method: 'POST', url: startUrl, payload: { input: validOrder } },
    400,
    'idempotency-key-required',
  ],
  [
    'an Idempotency-Key with spaces',
    { method: 'POST', url: startUrl, headers: { 'idempotency-key': 'a b' }, payload: { input: validOrder } },
    400,
    'invalid-header',
  ],
  [
    'an unknown workflow',
    { method: 'POST', url: '/workflows/nope/instances', headers: key(), payload: { input: {} } },
    404,
    'unknown-workflow',
  ],
  [
    'an unknown version',
    { method: 'POST', url: startUrl, headers: key(), payload: { input: validOrder, version: 9 } },
    404,
    'unknown-version',
  ],
  [
    'bad JSON',
    {
      method: 'POST',
      url: startUrl,
      headers: { ...key(), 'content-type': 'application/json' },
      raw: '{"input": ',
    },
    400,
    'invalid-json',
  ],
  ['no body', { method: 'POST', url: startUrl, headers: key() }, 400, 'invalid-body'],
  [
    'a body without input',
    { method: 'POST', url: startUrl, headers: key(), payload: { correlationId: 'x' } },
    400,
    'invalid-body',
  ],
  [
    'an unknown body field',
    { method: 'POST', url: startUrl, headers: key(), payload: { input: validOrder, extra: 1 } },
    400,
    'invalid-body',
  ],
  [
    'an input the workflow refuses',
    { method: 'POST', url: startUrl, headers: key(), payload: { input: { orderId: 1 } } },
    400,
    'invalid-input',
  ],
  [
    'a body that is not an object',
    { method: 'POST', url: startUrl, headers: key(), payload: [1, 2] },
    400,
    'invalid-body',
  ],
  [
    'an XML body',
    { method: 'POST', url: startUrl, headers: { ...key(), 'content-type': 'application/xml' }, raw: '<a/>' },
    415,
    'unsupported-media-type',
  ],
  [
    'a body over the limit',
    {
      method: 'POST',
      url: startUrl,
      headers: key(),
      payload: { input: { ...validOrder, address: 'x'.repeat(70_000) } },
    },
    413,
    'body-too-large',
  ],
  [
    'a wait above the bound',
    { method: 'POST', url: `${startUrl}?wait=30001`, headers: key(), payload: { input: validOrder } },
    400,
    'invalid-query',
  ],
  [
    'a wait that is not a number',
    { method: 'POST', url: `${startUrl}?wait=soon`, headers: key(), payload: { input: validOrder } },
    400,
    'invalid-query',
  ],
  [
    'a signal to an unknown instance',
    { method: 'POST', url: '/instances/nobody/signals/x', headers: key(), payload: {} },
    404,
    'unknown-instance',
  ],
  [
    'a cancel with an unknown field',
    { method: 'POST', url: '/instances/nobody/cancel', headers: key(), payload: { why: 1 } },
    400,
    'invalid-body',
  ],
  ['an unknown instance', { method: 'GET', url: '/instances/nobody' }, 404, 'unknown-instance'],
  [
    'a history page too large',
    { method: 'GET', url: '/instances/nobody/history?limit=5000' },
    400,
    'invalid-query',
  ],
  ['an unknown route', { method: 'GET', url: '/nothing-here' }, 404, 'route-not-found'],
  ['a wrong method', { method: 'DELETE', url: '/instances/x' }, 404, 'route-not-found'],
];

test.each(badRequests.map(([name, request, status, code]) => [name, status, code, request] as const))(
  '%s is a %i %s with the error shape',
  async (_name, status, code, request) => {
    const response = await fixture.call(request);
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.error).toHaveProperty('details');
  },
);

test('a missing Idempotency-Key says so in the message', async () => {
  const response = await fixture.call({ method: 'POST', url: startUrl, payload: { input: validOrder } });
  expect(response.json().error.message).toContain('Idempotency-Key header is required');
});

test('arbitrary bodies and headers never cause a 5xx', async () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(
        startUrl,
        '/workflows/bench-flow/instances',
        '/instances/x/cancel',
        '/instances/x/signals/y',
      ),
      fc.oneof(
        json.map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
      ),
      fc.option(
        fc
          .string({ minLength: 1, maxLength: 40 })
          .filter((k) => /^[\x20-\x7e]*$/.test(k.trim()) && k.trim() !== ''),
      ),
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
      fc.option(fc.string({ maxLength: 8 })),
      async (url, raw, idempotencyKey, contentType, wait) => {
        const headers: Record<string, string> = { 'content-type': contentType };
        if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey.trim();
        const query = wait === null ? '' : `?wait=${encodeURIComponent(wait)}`;
        const response = await fixture.call({ method: 'POST', url: `${url}${query}`, headers, raw });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) expect(response.json().error.code).toEqual(expect.any(String));
      },
    ),
    { numRuns: 150 },
  );
});

test('/openapi.json is an OpenAPI 3.1 document with every route of the table', async () => {
  const response = await fixture.call({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  const document = response.json();
  expect(document.openapi).toBe('3.1.0');
  for (const [id, route] of Object.entries(ROUTES)) {
    const operation = document.paths[route.path]?.[route.method.toLowerCase()];
    expect(operation).toMatchObject({ operationId: id });
  }
  const start = document.paths['/workflows/{name}/instances'].post;
  expect(start.parameters).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'name', in: 'path', required: true }),
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }),
      expect.objectContaining({ name: 'wait', in: 'query', required: false }),
    ]),
  );
  expect(start.requestBody.required).toBe(true);
  const refs = JSON.stringify(document).match(/"\$ref":"([^"]+)"/g) ?? [];
  for (const ref of refs) {
    const name = ref.replace(/^"\$ref":"#\/components\/schemas\//, '').replace(/"$/, '');
    expect(document.components.schemas).toHaveProperty([name]);
  }
});

test('/healthz answers, and /readyz reports Kafka, Redis and the projection ready', async () => {
  expect((await fixture.call({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  const ready = await fixture.call({ method: 'GET', url: '/readyz' });
  expect(ready.json().checks).toMatchObject({ kafka: true, redis: { ok: true } });
  expect(ready.json().checks.projection).toHaveProperty('running');
});
