// The orchestrator's logs at its most verbose levels carry correlation ids, command ids, seq and trace ids on
// every line about an instance, and never the order saga's sensitive fields (customer.email, payment.cardNumber).
import { orderInputOf } from '../chaos/order-traffic';
import { CENSOR } from '../../services/platform/logging/redaction';
import { ObservedRun } from './observed-run';

const ORDERS = 20;

let run: ObservedRun | undefined;
let lines: string[] = [];

beforeAll(async () => {
  run = await ObservedRun.open({
    label: 'observability-logs',
    orders: ORDERS,
    partitions: 2,
    logLevels: ['debug', 'trace'],
    shippingTimeoutMs: 2_000,
  });
  await run.sendOrders(0, ORDERS, 4);
  await run.finished(60_000);
  await run.stopOrchestrators();
  lines = await run.logLines();
}, 120_000);

afterAll(async () => {
  await run?.close();
}, 60_000);

const orderIds = Array.from({ length: ORDERS }, (_, i) => `order-${i}`);

interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly correlationId?: string | null;
  readonly commandId?: string | null;
  readonly seq?: number | null;
  readonly traceId?: string | null;
}

const parsed = (): LogLine[] =>
  lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);

test('no log line holds a customer email or a card number, even at debug and trace', () => {
  expect(lines.length).toBeGreaterThan(ORDERS);
  const secrets = orderIds.flatMap((orderId) => {
    const input = orderInputOf(orderId);
    return [input.customer.email, input.payment.cardNumber];
  });
  const leaks = lines.filter((line) => secrets.some((secret) => line.includes(secret)));
  expect(leaks).toEqual([]);
});

test('the sensitive fields were logged and censored, so redaction is what kept them out', () => {
  const censored = parsed().filter((line) => JSON.stringify(line).includes(`"${CENSOR}"`));
  const levels = new Set(censored.map((line) => line.level));
  expect(levels).toEqual(new Set([20, 10]));
});

test('every order appears in the logs under its correlation id', () => {
  const seen = new Set(parsed().map((line) => line.correlationId));
  expect(orderIds.filter((orderId) => !seen.has(orderId))).toEqual([]);
});

test('every line about an instance carries correlationId, commandId, seq and traceId', () => {
  const about = parsed().filter((line) => line.correlationId !== undefined);
  expect(about.length).toBeGreaterThan(ORDERS);
  const incomplete = about.filter((line) => !('commandId' in line && 'seq' in line && 'traceId' in line));
  expect(incomplete).toEqual([]);
});

test("the trace id logged for a driver's command is the one its traceparent carried", () => {
  const fromDriver = parsed().filter(
    (line) => line.msg === 'command decided' && line.commandId?.startsWith(`${line.correlationId}:`),
  );
  expect(fromDriver.length).toBeGreaterThan(ORDERS);
  const wrong = fromDriver.filter((line) => line.traceId !== run!.traceIds.get(line.correlationId!));
  expect(wrong).toEqual([]);
});
