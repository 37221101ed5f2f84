// authorize-payment: a simulated, flaky payment service. Some orders fail retryably on their first attempts,
// chosen from the order id so runs are reproducible; a declined card is fatal; a success charges once.
import { z } from 'zod';
import { fnv1a64 } from '../../../services/core';
import { FatalTaskError, RetryableTaskError, taskHandler } from '../../../services/worker';
import type { EffectCounter } from './effect-counter';

export const authorizePaymentInput = z.object({
  orderId: z.string().min(1),
  amount: z.number().nonnegative(),
  cardNumber: z.string().min(4),
});

export interface PaymentSettings {
  /** Orders whose id contains this marker are flaky. */
  readonly flakyMarker: string;
  /** Share of all other orders, 0–100, that are flaky, picked by a hash of the order id. */
  readonly flakyPercent: number;
  /** Attempts of a flaky order that fail before one succeeds. */
  readonly failingAttempts: number;
  readonly declinedCard: string;
}

export function isFlaky(orderId: string, settings: PaymentSettings): boolean {
  if (orderId.includes(settings.flakyMarker)) return true;
  return Number(BigInt(`0x${fnv1a64(orderId)}`) % 100n) < settings.flakyPercent;
}

export const authorizePayment = (settings: PaymentSettings, effects: EffectCounter) =>
  taskHandler(authorizePaymentInput, async (input, ctx) => {
    if (input.cardNumber === settings.declinedCard) {
      throw new FatalTaskError(`card declined for order ${input.orderId}`, 'card-declined');
    }
    if (isFlaky(input.orderId, settings) && ctx.attempt <= settings.failingAttempts) {
      throw new RetryableTaskError(
        `payment service unavailable (attempt ${ctx.attempt} of order ${input.orderId})`,
        'payment-unavailable',
      );
    }
    await effects.count('charge', ctx.correlationId);
    return { authorizationId: `auth-${input.orderId}`, amount: input.amount };
  });
