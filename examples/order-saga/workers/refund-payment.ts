// refund-payment: the compensation of authorize-payment; the refund is counted so a test can see it ran once.
import { z } from 'zod';
import { taskHandler } from '../../../services/worker';
import type { EffectCounter } from './effect-counter';

export const refundPaymentInput = z.object({
  orderId: z.string().min(1),
  authorizationId: z.string().nullable(),
});

export const refundPayment = (effects: EffectCounter) =>
  taskHandler(refundPaymentInput, async (input, ctx) => {
    await effects.count('refund', ctx.correlationId);
    return { orderId: input.orderId, refunded: input.authorizationId };
  });
