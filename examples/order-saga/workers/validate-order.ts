// validate-order: checks an order's lines against business limits; a violation is fatal, the order cannot pass.
import { z } from 'zod';
import { FatalTaskError, taskHandler } from '../../../services/worker';

export const validateOrderInput = z.object({
  orderId: z.string().min(1),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  amount: z.number().nonnegative(),
});

export interface ValidateOrderSettings {
  /** Units per order above which an order is refused. */
  readonly maxUnitsPerOrder: number;
}

export const validateOrder = (settings: ValidateOrderSettings) =>
  taskHandler(validateOrderInput, async (input) => {
    const units = input.items.reduce((sum, item) => sum + item.quantity, 0);
    if (units > settings.maxUnitsPerOrder) {
      throw new FatalTaskError(
        `order ${input.orderId} has ${units} units, the limit is ${settings.maxUnitsPerOrder}`,
        'too-many-units',
      );
    }
    return { orderId: input.orderId, valid: true, units };
  });
