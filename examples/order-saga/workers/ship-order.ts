// ship-order: hands the order to a simulated carrier. For an address carrying the configured marker the carrier
// never calls back, so no result is reported and the saga's shipping timeout decides.
import { z } from 'zod';
import { AsyncCompletion, taskHandler } from '../../../services/worker';
import type { EffectCounter } from './effect-counter';

export const shipOrderInput = z.object({
  orderId: z.string().min(1),
  address: z.string().min(1),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })),
  priority: z.boolean(),
});

export interface CarrierSettings {
  /** An address containing this marker is lost by the carrier: the task is never answered. */
  readonly unansweredMarker: string;
}

export const shipOrder = (settings: CarrierSettings, effects: EffectCounter) =>
  taskHandler(shipOrderInput, async (input, ctx) => {
    await effects.count('ship', ctx.correlationId);
    if (input.address.includes(settings.unansweredMarker)) {
      throw new AsyncCompletion(`carrier lost the shipment of order ${input.orderId}`);
    }
    return { shipmentId: `shp-${input.orderId}`, priority: input.priority };
  });
