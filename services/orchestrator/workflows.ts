// The workflows this orchestrator serves by default: the order saga and the bench flow from examples/.
import { createRegistry, type Registry } from '../core';
import { benchFlow } from '../../examples/bench-flow/definition';
import { orderSaga } from '../../examples/order-saga/definition';

export interface WorkflowSettings {
  readonly orderShippingTimeoutMs: number;
}

export const defaultRegistry = (settings: WorkflowSettings): Registry =>
  createRegistry([orderSaga({ shippingTimeoutMs: settings.orderShippingTimeoutMs }), benchFlow]);
