// The secure stack and crypto-shredding together, as production runs them: orchestrator, workers and gateway as
// their own principals on TLS + SASL/SCRAM Kafka with ACLs and TLS + AUTH Redis, each with the KEK file. An
// order with sensitive fields completes; no topic holds those fields in plaintext; the gateway shows them redacted.
import {
  finishedStatus,
  sensitiveOrder,
  startOrder,
  startSecureFleet,
  type SecureFleet,
} from './secure-fleet';

const ORDER = 'secure-encrypted-order';
const { customer, payment } = sensitiveOrder(ORDER);
const plaintexts = [customer.email, payment.cardNumber];
let secure: SecureFleet;

const leaked = (text: string) => plaintexts.filter((plaintext) => text.includes(plaintext));

async function gatewayGet(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${secure.gateway}${url}`);
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  secure = await startSecureFleet({ label: 'sec-encrypted', kekId: 'kek-secure' });
}, 300_000);

afterAll(async () => {
  await secure?.stop();
}, 120_000);

test('with a KEK on the secure stack an order with sensitive fields completes, no topic holds them in plaintext, and the gateway shows them redacted', async () => {
  const started = await startOrder(secure.gateway, ORDER);
  expect(started.status).toBeLessThan(300);
  expect(leaked(started.body)).toEqual([]);
  expect(await finishedStatus(secure.gateway, ORDER)).toBe('completed');

  const raw = await secure.rawTopics();
  expect(leaked(raw)).toEqual([]);
  expect(raw).toContain(ORDER);
  expect(raw).toContain('sw:enc:v1:');

  const instance = await gatewayGet(`/instances/${ORDER}`);
  expect(instance.status).toBe(200);
  expect(JSON.parse(instance.text)).toMatchObject({
    status: 'completed',
    context: { customer: { email: '[redacted]' }, payment: { cardNumber: '[redacted]' } },
  });
  const history = await gatewayGet(`/instances/${ORDER}/history`);
  expect(history.status).toBe(200);
  for (const answer of [instance, history]) {
    expect(leaked(answer.text)).toEqual([]);
    expect(answer.text).not.toContain('sw:enc:v1:');
  }
});
