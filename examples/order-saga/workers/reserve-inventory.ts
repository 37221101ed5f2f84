// reserve-inventory: a simulated inventory service; an unknown-stock SKU or more units than in stock is fatal.
import { z } from 'zod';
import { FatalTaskError, taskHandler } from '../../../services/worker';
import type { EffectCounter } from './effect-counter';

export const reserveInventoryInput = z.object({
  orderId: z.string().min(1),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
});

export interface InventorySettings {
  /** A SKU that is never in stock. */
  readonly outOfStockSku: string;
  /** Units in stock of every other SKU. */
  readonly stockPerSku: number;
}

export const reserveInventory = (settings: InventorySettings, effects: EffectCounter) =>
  taskHandler(reserveInventoryInput, async (input, ctx) => {
    for (const item of input.items) {
      const stock = item.sku === settings.outOfStockSku ? 0 : settings.stockPerSku;
      if (item.quantity > stock) {
        throw new FatalTaskError(
          `sku ${item.sku}: ${item.quantity} wanted, ${stock} in stock`,
          'out-of-stock',
        );
      }
    }
    await effects.count('reserve', ctx.correlationId);
    return { reservationId: `res-${input.orderId}` };
  });
