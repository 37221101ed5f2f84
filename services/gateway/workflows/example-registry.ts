// The workflows a gateway and the CLI know by default: the examples shipped with statewright.
import { createRegistry, type Registry } from '../../core';
import { benchFlow } from '../../../examples/bench-flow/definition';
import { orderSagaV1 } from '../../../examples/order-saga/definition';

export function exampleRegistry(): Registry {
  return createRegistry([orderSagaV1, benchFlow]);
}
