// What a search answers about one instance: where it is and when it moved, never its context, tasks or payloads,
// so a summary holds nothing a definition could mark sensitive.
import type { Instance, InstanceStatus } from '../../core';
import type { IndexKeys } from './index-keys';

export const STATUSES: readonly InstanceStatus[] = [
  'running',
  'completed',
  'failed',
  'cancelled',
  'compensated',
  'timed_out',
];

export interface InstanceSummary {
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  readonly state: string;
  readonly status: InstanceStatus;
  readonly seq: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function summaryOf(instance: Instance): InstanceSummary {
  const { correlationId, workflow, version, state, status, seq, createdAt, updatedAt } = instance;
  return { correlationId, workflow, version, state, status, seq, createdAt, updatedAt };
}

/** The sets an instance with this summary belongs to; moving it means leaving the old ones for these. */
export function membershipsOf(summary: InstanceSummary, keys: IndexKeys): string[] {
  const { workflow, version, state, status } = summary;
  return [
    keys.workflow(workflow),
    keys.version(workflow, version),
    keys.state(state),
    keys.state(state, workflow),
    keys.state(state, workflow, version),
    keys.status(status),
    keys.status(status, workflow),
    keys.status(status, workflow, version),
  ];
}
