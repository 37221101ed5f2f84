// Which applied commands are operator acts, and the audit record each leaves: admin commands (migrate, purge,
// erase) and cancels, with a summary of the instance before and after.
import type { Command, Instance, Step } from '../../core';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';

export interface CommandPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface AuditInput {
  readonly command: Command;
  readonly before: Instance | undefined;
  readonly step: Step;
  readonly now: number;
  readonly position: CommandPosition;
  /** The sensitive paths an erasure blanked. */
  readonly sensitive: readonly string[];
}

const summary = (instance: Instance | undefined) =>
  instance === undefined
    ? null
    : { version: instance.version, state: instance.state, status: instance.status, seq: instance.seq };

/** The audit record of an applied operator act; undefined for any other command or outcome. */
export function auditOf(input: AuditInput): AuditEnvelope | undefined {
  const { before, step, position, command } = input;
  if (step.decision.kind !== 'applied') return undefined;
  if (command.type !== 'admin' && command.type !== 'cancel') return undefined;
  // Only an erasure applies to an instance that is gone (purged): its data key is still deleted.
  if (before === undefined && !(command.type === 'admin' && command.action === 'erase')) return undefined;
  const action = command.type === 'admin' ? command.action : 'cancel';
  const after = summary(step.instance);
  const detail =
    command.type === 'admin' && command.action === 'erase'
      ? { erased: input.sensitive }
      : command.type === 'cancel'
        ? { reason: command.reason }
        : {};
  return {
    auditId: command.commandId,
    at: input.now,
    issuedAt: command.timestamp,
    actor: command.actor,
    action,
    workflow: command.workflow,
    target: command.correlationId,
    before: JSON.stringify(summary(before)),
    after: after === null ? null : JSON.stringify({ ...after, ...detail }),
    commandTopic: position.topic,
    commandPartition: position.partition,
    commandOffset: position.offset,
  };
}
