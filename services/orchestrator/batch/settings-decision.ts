// A workflow-settings command in a batch: validated and merged by the core, then written as the workflow's new
// settings record with its audit record, in the batch's transaction. Invalid ones are dead letters.
import type { Message } from 'kafkajs';
import {
  changeSettings,
  DEPLOYED,
  parseCommand,
  settingsKey,
  type Registry,
  type WorkflowSettings,
  type WorkflowSettingsCommand,
} from '../../core';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';
import { settingsMessage, type SettingsRecord } from '../../platform/codec/settings-record';
import type { CommandPosition } from './audit-entry';

export interface SettingsSource {
  record(workflow: string): SettingsRecord | undefined;
}

export type SettingsOutcome =
  | {
      readonly kind: 'applied';
      readonly record: SettingsRecord;
      readonly message: Message;
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
  raw: unknown,
  before: SettingsRecord | undefined,
  context: { readonly registry: Registry; readonly now: number; readonly position: CommandPosition },
): SettingsOutcome {
  const parsed = parseCommand(raw);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.message };
  const command = parsed.command as WorkflowSettingsCommand;
  const key = settingsKey(command.workflow);
  if (command.correlationId !== key) {
    return { kind: 'invalid', reason: `settings of ${command.workflow} are keyed ${key}` };
  }
  if (before?.commandId === command.commandId) return { kind: 'duplicate' };
  const change = changeSettings(context.registry, before ?? DEPLOYED, command);
  if (!change.ok) return { kind: 'invalid', reason: change.message };
  const record: SettingsRecord = {
    ...change.settings,
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
    target: key,
    before: JSON.stringify(summary(before)),
    after: JSON.stringify(summary(record)),
    commandTopic: context.position.topic,
    commandPartition: context.position.partition,
    commandOffset: context.position.offset,
  };
  return { kind: 'applied', record, message: settingsMessage(record), audit };
}
