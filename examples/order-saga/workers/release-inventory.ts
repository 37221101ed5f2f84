// release-inventory: the compensation of reserve-inventory; releasing is counted so a test can see it ran once.
import { z } from 'zod';
import { taskHandler } from '../../../services/worker';
import type { EffectCounter } from './effect-counter';

export const releaseInventoryInput = z.object({
  orderId: z.string().min(1),
  reservationId: z.string().nullable(),
});

export const releaseInventory = (effects: EffectCounter) =>
  taskHandler(releaseInventoryInput, async (input, ctx) => {
    await effects.count('release', ctx.correlationId);
    return { orderId: input.orderId, released: input.reservationId };
  });
