// A partition command in a batch (worker health, an operator's circuit settings): decided by the core
// (`decidePartition`) against the partition's health as the batch has it, logged as a health record; a circuit
// change is an operator act and gets its audit record in the same transaction.
import {
  decidePartition,
  type HealthRecord,
  type PartitionCommand,
  type PartitionHealth,
  type TaskTypeHealth,
} from '../../core';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';
import type { InboundCommand } from './inbound-command';

export type PartitionOutcome =
  | {
      readonly kind: 'applied';
      readonly record: HealthRecord;
      readonly health: PartitionHealth;
      readonly audit: AuditEnvelope | undefined;
    }
  | { readonly kind: 'duplicate' };

export function decidePartitionCommand(
  health: PartitionHealth,
  command: PartitionCommand,
  inbound: InboundCommand,
  context: { readonly now: number; readonly source: { readonly topic: string; readonly partition: number } },
): PartitionOutcome {
  const step = decidePartition(health, command, context.now);
  if (step.kind !== 'applied') return step;
  const audit =
    command.type === 'circuit-settings'
      ? circuitAudit(command, health[command.taskType], step.record.entry, inbound, context)
      : undefined;
  return { ...step, audit };
}

const summary = (entry: TaskTypeHealth | undefined) => ({
  rule: entry?.rule ?? null,
  phase: entry?.circuit?.phase ?? null,
  forced: entry?.circuit?.forced ?? null,
});

function circuitAudit(
  command: PartitionCommand,
  before: TaskTypeHealth | undefined,
  after: TaskTypeHealth,
  inbound: InboundCommand,
  context: { readonly now: number; readonly source: { readonly topic: string; readonly partition: number } },
): AuditEnvelope {
  return {
    auditId: command.commandId,
    at: context.now,
    issuedAt: command.timestamp,
    actor: command.actor,
    action: 'circuit',
    workflow: command.workflow,
    target: command.correlationId,
    before: JSON.stringify(summary(before)),
    after: JSON.stringify(summary(after)),
    commandTopic: context.source.topic,
    commandPartition: context.source.partition,
    commandOffset: Number(inbound.offset),
  };
}
