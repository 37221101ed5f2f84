// A workflow-settings command in a batch: decided by the core (`decideSettings`), then written as the
// workflow's new settings record with its audit record, in the batch's transaction. Invalid ones are dead
// letters; a repeat of a recent change is a duplicate.
import {
  decideSettings as decide,
  DEPLOYED,
  settingsKey,
  type Registry,
  type WorkflowSettings,
  type WorkflowSettingsCommand,
} from '../../core';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';
import { settingsMessage, type SettingsRecord } from '../../platform/codec/settings-record';
import type { ProducedRecord } from '../../platform/kafka/records';
import type { CommandPosition } from './audit-entry';

export interface SettingsSource {
  record(workflow: string): SettingsRecord | undefined;
}

export type SettingsOutcome =
  | {
      readonly kind: 'applied';
      readonly record: SettingsRecord;
      readonly message: ProducedRecord;
      readonly audit: AuditEnvelope;
    }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'invalid'; readonly reason: string };

const summary = (settings: WorkflowSettings | undefined) =>
  settings === undefined
    ? { rollout: null, dedupe: null, revision: 0 }
    : { rollout: settings.rollout, dedupe: settings.dedupe, revision: settings.revision };

/** `before` is the workflow's latest record, counting those written earlier in the same batch. */
export function decideSettings(
  command: WorkflowSettingsCommand,
  before: SettingsRecord | undefined,
  context: { readonly registry: Registry; readonly now: number; readonly position: CommandPosition },
): SettingsOutcome {
  const decision = decide(context.registry, before ?? DEPLOYED, command);
  if (decision.kind !== 'applied') return decision;
  const record: SettingsRecord = {
    ...decision.settings,
    workflow: command.workflow,
    actor: command.actor,
    commandId: command.commandId,
    at: context.now,
  };
  const audit: AuditEnvelope = {
    auditId: command.commandId,
    at: context.now,
    issuedAt: command.timestamp,
    actor: command.actor,
    action: 'settings',
    workflow: command.workflow,
    target: settingsKey(command.workflow),
    before: JSON.stringify(summary(before)),
    after: JSON.stringify(
      command.reason === undefined ? summary(record) : { ...summary(record), reason: command.reason },
    ),
    commandTopic: context.position.topic,
    commandPartition: context.position.partition,
    commandOffset: context.position.offset,
  };
  return { kind: 'applied', record, message: settingsMessage(record), audit };
}
