// Commands for the order saga as tests publish them: unique ids, the example order, task results for requests.
import { randomUUID } from 'node:crypto';
import {
  commandId,
  correlationId,
  type Command,
  type JsonValue,
  type SignalCommand,
  type StartCommand,
  type TaskResultCommand,
} from '../../services/core';
import type { TaskEnvelope } from '../../services/platform/codec/task-envelope';

export const ORDER_INPUT = {
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'c@example.com' },
  items: [{ sku: 'sku-1', quantity: 2 }],
  amount: 120,
  payment: { cardNumber: '4242424242424242' },
  address: '1 Main St',
};

const envelope = (id: string, workflow: string) => ({
  commandId: commandId(`cmd-${randomUUID()}`),
  correlationId: correlationId(id),
  workflow,
  actor: 'test',
  timestamp: Date.now(),
  expectedSeq: null,
  sourceSeq: null,
});

export const startOrder = (
  id: string,
  input: JsonValue = ORDER_INPUT,
  workflow = 'order-saga',
): StartCommand => ({
  ...envelope(id, workflow),
  type: 'start',
  input,
  version: null,
});

export const signal = (id: string, event: string, payload: JsonValue = {}): SignalCommand => ({
  ...envelope(id, 'order-saga'),
  type: 'signal',
  event,
  payload,
});

export const cancel = (id: string, actor = 'test'): Command => ({
  ...envelope(id, 'order-saga'),
  actor,
  type: 'cancel',
  reason: 'asked by the customer',
});

/** An operator's admin act on one instance (migrate needs `targetVersion`). */
export const adminAct = (
  id: string,
  action: 'retry' | 'purge' | 'erase',
  actor = 'ops@example.com',
): Command => ({
  ...envelope(id, 'order-saga'),
  actor,
  type: 'admin',
  action,
});

/** What a successful worker would answer; outputs carry the ids the saga assigns into its context. */
export const OUTPUTS: Record<string, JsonValue> = {
  'reserve-inventory': { reservationId: 'r-1' },
  'authorize-payment': { authorizationId: 'a-1' },
  'ship-order': { shipmentId: 's-1' },
};

export const succeeded = (task: TaskEnvelope): TaskResultCommand => ({
  ...envelope(task.correlationId, task.workflow),
  commandId: commandId(task.runId),
  type: 'task-result',
  taskId: task.taskId as TaskResultCommand['taskId'],
  runId: task.runId as TaskResultCommand['runId'],
  outcome: { kind: 'succeeded', output: OUTPUTS[task.type] ?? {} },
});

export type { Command };

/** A retryable failure of the task's attempt, as a worker would report it. */
export const failedRetryably = (task: TaskEnvelope): TaskResultCommand => ({
  ...succeeded(task),
  outcome: { kind: 'retryable', error: { message: 'service unavailable', code: 'unavailable' } },
});
