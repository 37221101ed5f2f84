// What the canary tests share: the rule that sends half of the order saga's new instances to version 2, fresh
// correlation ids the rule sends to a chosen version, and a task responder under which version 2's payment is
// always declined.
import { randomUUID } from 'node:crypto';
import { chooseVersion, type RolloutRule, type TaskResultCommand } from '../../services/core';
import type { TaskEnvelope } from '../../services/platform/codec/task-envelope';
import { succeeded } from './order-commands';

export const canaryRule: RolloutRule = { kind: 'canary', stable: 1, canary: 2, percent: 50 };

/** `count` correlation ids the canary rule sends to `version`, fresh for this run. */
export function idsOn(version: number, count: number, label: string): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = `${label}-${i}-${randomUUID().slice(0, 8)}`;
    if (chooseVersion(canaryRule, id) === version) ids.push(id);
  }
  return ids;
}

/** Version 2's payment is always declined; every other task succeeds. */
export function declineCanaryPayments(task: TaskEnvelope): TaskResultCommand {
  if (task.version === 2 && task.type === 'authorize-payment') {
    return {
      ...succeeded(task),
      outcome: { kind: 'fatal', error: { message: 'card declined', code: 'card-declined' } },
    };
  }
  return succeeded(task);
}
