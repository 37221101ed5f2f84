// The order saga: validate, then reserve stock and authorise payment in parallel, then ship. A failure,
// a shipping timeout or a cancel undoes the completed steps, latest first.
import { z } from 'zod';
import { setup, verdict, type JsonValue } from '../../services/core';

export const ORDER_SAGA = 'order-saga';

export const orderInput = z.object({
  orderId: z.string().min(1),
  customer: z.object({ id: z.string().min(1), email: z.string().min(3) }),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  amount: z.number().nonnegative(),
  payment: z.object({ cardNumber: z.string().min(4) }),
  address: z.string().min(1),
});
export type OrderInput = z.output<typeof orderInput>;

export interface OrderContext {
  orderId: string;
  customer: { id: string; email: string };
  items: { sku: string; quantity: number }[];
  amount: number;
  payment: { cardNumber: string; authorizationId: string | null };
  address: string;
  reservationId: string | null;
  shipmentId: string | null;
  priority: boolean;
  notes: string[];
  failure: string | null;
}

const field = (output: JsonValue, name: string): string | null => {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return null;
  const value = output[name];
  return typeof value === 'string' ? value : null;
};

const saga = setup({
  types: {} as { context: OrderContext },
  input: orderInput,
  events: {
    'address-changed': z.object({ address: z.string().min(1) }),
    'customer-note': z.object({ note: z.string() }),
    'fraud-detected': z.object({ score: z.number().min(0).max(1) }),
    'priority-requested': z.object({}),
  },
  tasks: {
    'validate-order': { retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 500 } } },
    'reserve-inventory': {
      retry: { maxAttempts: 3, backoff: { kind: 'exponential', baseMs: 200, maxMs: 5_000 } },
      compensation: {
        task: 'release-inventory',
        input: (ctx, step) => ({ orderId: ctx.orderId, reservationId: field(step.output, 'reservationId') }),
      },
    },
    'authorize-payment': {
      retry: {
        maxAttempts: 3,
        backoff: { kind: 'exponential', baseMs: 200, maxMs: 5_000 },
        fatalCodes: ['card-declined'],
      },
      compensation: {
        task: 'refund-payment',
        input: (ctx, step) => ({
          orderId: ctx.orderId,
          authorizationId: field(step.output, 'authorizationId'),
        }),
      },
    },
    'ship-order': { retry: { maxAttempts: 2, backoff: { kind: 'fixed', ms: 1_000 } } },
    'release-inventory': { retry: { maxAttempts: 5 } },
    'refund-payment': { retry: { maxAttempts: 5 } },
  },
});

export interface OrderSagaOptions {
  /** How long shipping may take before the order is unwound as `timed_out`. */
  readonly shippingTimeoutMs?: number;
  readonly version?: number;
}

export function orderSaga(options: OrderSagaOptions = {}) {
  return saga.define({
    name: ORDER_SAGA,
    version: options.version ?? 1,
    initial: 'validating',
    context: (input) => ({
      ...input,
      payment: { cardNumber: input.payment.cardNumber, authorizationId: null },
      reservationId: null,
      shipmentId: null,
      priority: false,
      notes: [],
      failure: null,
    }),
    cancel: 'cancelling',
    unaccepted: { 'priority-requested': 'stash', 'customer-note': 'ignore' },
    sensitive: ['customer.email', 'payment.cardNumber'],
    states: {
      validating: {
        invoke: {
          tasks: [
            {
              task: 'validate-order',
              input: (ctx) => ({ orderId: ctx.orderId, items: ctx.items, amount: ctx.amount }),
            },
          ],
          onDone: 'reserving',
          onError: { target: 'failed', update: (ctx, error) => ({ ...ctx, failure: error.message }) },
        },
        on: {
          'address-changed': { update: (ctx, { address }) => ({ ...ctx, address }) },
          'customer-note': { update: (ctx, { note }) => ({ ...ctx, notes: [...ctx.notes, note] }) },
          'fraud-detected': {
            guard: (_ctx, { score }) =>
              score >= 0.9 ? verdict.cancel('fraud') : verdict.reject('score below threshold'),
          },
        },
      },
      reserving: {
        invoke: {
          tasks: [
            {
              task: 'reserve-inventory',
              input: (ctx) => ({ orderId: ctx.orderId, items: ctx.items }),
              assign: (ctx, output) => ({ ...ctx, reservationId: field(output, 'reservationId') }),
            },
            {
              task: 'authorize-payment',
              input: (ctx) => ({
                orderId: ctx.orderId,
                amount: ctx.amount,
                cardNumber: ctx.payment.cardNumber,
              }),
              assign: (ctx, output) => ({
                ...ctx,
                payment: { ...ctx.payment, authorizationId: field(output, 'authorizationId') },
              }),
            },
          ],
          join: 'all',
          onDone: 'shipping',
          onError: { target: 'compensating', update: (ctx, error) => ({ ...ctx, failure: error.message }) },
        },
        on: {
          'address-changed': { update: (ctx, { address }) => ({ ...ctx, address }) },
          'fraud-detected': {
            guard: (_ctx, { score }) =>
              score >= 0.9 ? verdict.cancel('fraud') : verdict.reject('score below threshold'),
          },
        },
      },
      shipping: {
        invoke: {
          tasks: [
            {
              task: 'ship-order',
              input: (ctx) => ({
                orderId: ctx.orderId,
                address: ctx.address,
                items: ctx.items,
                priority: ctx.priority,
              }),
              assign: (ctx, output) => ({ ...ctx, shipmentId: field(output, 'shipmentId') }),
            },
          ],
          onDone: 'completed',
          onError: { target: 'compensating', update: (ctx, error) => ({ ...ctx, failure: error.message }) },
        },
        after: { ms: options.shippingTimeoutMs ?? 30_000, target: 'timing-out' },
        on: {
          'priority-requested': {
            // Priority shipping needs a healthy carrier: wait while it is down, refuse while it is degraded.
            guard: (ctx, _payload, env) => {
              const carrier = env.taskHealth['ship-order'] ?? 'up';
              if (carrier === 'down') return verdict.defer(5_000);
              if (carrier === 'degraded') return verdict.reject('carrier degraded');
              return ctx.amount <= 10_000 || verdict.reject('amount too large for priority shipping');
            },
            update: (ctx) => ({ ...ctx, priority: true }),
          },
        },
      },
      compensating: { compensate: { onDone: 'compensated', onError: 'failed' } },
      'timing-out': { compensate: { onDone: 'timed_out', onError: 'failed' } },
      cancelling: { compensate: { onDone: 'cancelled', onError: 'failed' } },
      completed: { final: 'completed' },
      compensated: { final: 'compensated' },
      cancelled: { final: 'cancelled' },
      timed_out: { final: 'timed_out' },
      failed: { final: 'failed' },
    },
  });
}

export const orderSagaV1 = orderSaga();
