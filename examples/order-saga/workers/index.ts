// The order saga's workers: one handler per task type of examples/order-saga/definition.ts, with the behaviour
// of the simulated services (stock, flaky payments, a carrier that can go silent) set by configuration.
import type { Redis } from 'ioredis';
import type { HandlerMap } from '../../../services/worker';
import { authorizePayment, type PaymentSettings } from './authorize-payment';
import { EffectCounter } from './effect-counter';
import { refundPayment } from './refund-payment';
import { releaseInventory } from './release-inventory';
import { reserveInventory, type InventorySettings } from './reserve-inventory';
import { shipOrder, type CarrierSettings } from './ship-order';
import { validateOrder, type ValidateOrderSettings } from './validate-order';

export { EffectCounter, type Effect } from './effect-counter';
export { isFlaky } from './authorize-payment';

export interface OrderWorkerSettings {
  readonly validation: ValidateOrderSettings;
  readonly inventory: InventorySettings;
  readonly payment: PaymentSettings;
  readonly carrier: CarrierSettings;
}

export const DEFAULT_ORDER_WORKER_SETTINGS: OrderWorkerSettings = {
  validation: { maxUnitsPerOrder: 1_000 },
  inventory: { outOfStockSku: 'OUT-OF-STOCK', stockPerSku: 100 },
  payment: { flakyMarker: 'FLAKY', flakyPercent: 0, failingAttempts: 2, declinedCard: '4000000000000002' },
  carrier: { unansweredMarker: 'NEVER-SHIPS' },
};

export function orderSagaHandlers(
  redis: Redis,
  redisPrefix: string,
  settings: OrderWorkerSettings = DEFAULT_ORDER_WORKER_SETTINGS,
): HandlerMap {
  const effects = new EffectCounter(redis, redisPrefix);
  return {
    'validate-order': validateOrder(settings.validation),
    'reserve-inventory': reserveInventory(settings.inventory, effects),
    'authorize-payment': authorizePayment(settings.payment, effects),
    'ship-order': shipOrder(settings.carrier, effects),
    'release-inventory': releaseInventory(effects),
    'refund-payment': refundPayment(effects),
  };
}
