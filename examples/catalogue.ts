// The examples as a team hands its code to statewright: the workflows it runs and the handlers of their tasks.
// The runnables load this module by path (STATEWRIGHT_WORKFLOWS, STATEWRIGHT_HANDLERS); nothing in services/
// imports it.
import type { HandlerMap, HandlerRuntime } from '../services/worker';
import { benchFlow } from './bench-flow/definition';
import { benchFlowHandlers } from './bench-flow/workers';
import { orderSaga } from './order-saga/definition';
import { DEFAULT_ORDER_WORKER_SETTINGS, orderSagaHandlers } from './order-saga/workers';
import { exampleSettings } from './settings';

const settings = exampleSettings(process.env);

/** The example workflows; the order saga waits `shippingTimeoutMs` for the carrier. */
export const exampleWorkflows = (options: { readonly shippingTimeoutMs: number }) => [
  orderSaga({ shippingTimeoutMs: options.shippingTimeoutMs }),
  benchFlow,
];

export const workflows = exampleWorkflows(settings);

/** The handlers, given what the worker shares with them (its Redis connection, for the effect counters). */
export function handlers(runtime: HandlerRuntime): HandlerMap {
  const orderSettings = {
    ...DEFAULT_ORDER_WORKER_SETTINGS,
    payment: { ...DEFAULT_ORDER_WORKER_SETTINGS.payment, flakyPercent: settings.flakyPercent },
  };
  return {
    ...orderSagaHandlers(runtime.redis, runtime.redisPrefix, orderSettings),
    ...benchFlowHandlers(),
  };
}
