// A command the broker can never accept — its record is larger than Kafka's maximum message size, though its body
// is within the gateway's body limit — is refused as too large (413, not retriable), never as a 503 that invites
// the caller to send it again.
import { startFixture, type GatewayFixture } from '../integration/gateway/gateway-fixture';
import { ORDER_INPUT } from './secured-gateway';

/** The gateway's default body limit; the broker's default maximum batch (message.max.bytes) is just above it. */
const BODY_LIMIT_BYTES = 1_048_576;

let fixture: GatewayFixture;
beforeAll(async () => {
  // The input limit raised to the body's: what is tested here is the broker's own record limit.
  fixture = await startFixture('sec-record-size', 1, {
    GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    GATEWAY_MAX_INPUT_BYTES: String(BODY_LIMIT_BYTES),
  });
});
afterAll(() => fixture?.stop());

/** A start body of exactly `bytes` bytes, its address padded. */
function startBody(bytes: number): string {
  const body = (address: string) => JSON.stringify({ input: { ...ORDER_INPUT, address } });
  return body('x'.repeat(bytes - body('').length));
}

test('a body just under the body limit whose record Kafka refuses is a 413 record-too-large, not a 503 retry; an ordinary one is accepted', async () => {
  const raw = startBody(BODY_LIMIT_BYTES - 16);
  expect(Buffer.byteLength(raw)).toBe(BODY_LIMIT_BYTES - 16);
  const response = await fixture.call({
    method: 'POST',
    url: '/workflows/order-saga/instances',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'record-size-1' },
    raw,
  });
  expect(response.statusCode).toBe(413);
  expect(response.json()).toEqual({
    error: { code: 'record-too-large', message: expect.any(String), details: null },
  });
  expect(response.headers.get('retry-after')).toBeNull();
  const ordinary = await fixture.call({
    method: 'POST',
    url: '/workflows/order-saga/instances',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'record-size-2' },
    raw: startBody(4_096),
  });
  expect(ordinary.statusCode).toBe(202);
});
