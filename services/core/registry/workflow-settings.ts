// Workflow-wide settings an admin changes at run time with a `workflow-settings` command: the rollout rule (which
// version new instances start on: activating a version, a canary share) and the dedupe window new instances get.
// Absent from a command means unchanged; null means back to what the deployed definitions say.
import { settingsKey, type WorkflowSettingsCommand } from '../command/command';
import { DefinitionError } from '../definition/definition-error';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { DedupeWindow } from '../instance/instance';
import { checkRollout, chooseVersion, type Registry, type RolloutRule } from './registry';

export interface WorkflowSettings {
  readonly rollout: RolloutRule | null;
  readonly dedupe: DedupeWindow | null;
  /** Counts changes from 1; a reader keeps the highest it has seen. */
  readonly revision: number;
  /** The ids of the latest changes, oldest first (at most RECENT_SETTINGS_COMMANDS): repeats are duplicates. */
  readonly recent: readonly string[];
}

export const DEPLOYED: WorkflowSettings = { rollout: null, dedupe: null, revision: 0, recent: [] };

/** How many settings commands of a workflow are remembered as done, however many others follow them. */
export const RECENT_SETTINGS_COMMANDS = 64;

export type SettingsDecision =
  | { readonly kind: 'applied'; readonly settings: WorkflowSettings }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * A workflow-settings command against the workflow's current settings: applied (the new settings), a repeat of
 * a recent change (duplicate: nothing changes), or invalid. Pure: the orchestrator writes what it answers.
 */
export function decideSettings(
  registry: Registry,
  current: WorkflowSettings,
  command: WorkflowSettingsCommand,
): SettingsDecision {
  const key = settingsKey(command.workflow);
  if (command.correlationId !== key) {
    return { kind: 'invalid', reason: `settings of ${command.workflow} are keyed ${key}` };
  }
  if (current.recent.includes(command.commandId)) return { kind: 'duplicate' };
  // A settings command's expectedSeq is the revision it was meant for: a change made since supersedes it.
  if (command.expectedSeq !== null && command.expectedSeq !== current.revision) {
    return {
      kind: 'invalid',
      reason: `settings of ${command.workflow} are at revision ${current.revision}, not ${command.expectedSeq}`,
    };
  }
  const change = changeSettings(registry, current, command);
  if (!change.ok) return { kind: 'invalid', reason: change.message };
  const recent = [...current.recent, command.commandId].slice(-RECENT_SETTINGS_COMMANDS);
  return { kind: 'applied', settings: { ...change.settings, recent } };
}

export type SettingsChange =
  | { readonly ok: true; readonly settings: WorkflowSettings }
  | { readonly ok: false; readonly message: string };

/** The settings after `command`, or why they cannot be: unknown workflow, unknown versions, a bad window. */
export function changeSettings(
  registry: Registry,
  current: WorkflowSettings,
  command: WorkflowSettingsCommand,
): SettingsChange {
  if (!registry.has(command.workflow)) return { ok: false, message: `no workflow ${command.workflow}` };
  if (command.rollout !== undefined && command.rollout !== null) {
    try {
      checkRollout(command.workflow, command.rollout, registry);
    } catch (error) {
      if (!(error instanceof DefinitionError)) throw error;
      return { ok: false, message: error.message };
    }
  }
  return {
    ok: true,
    settings: {
      rollout: command.rollout === undefined ? current.rollout : command.rollout,
      dedupe: command.dedupe === undefined ? current.dedupe : command.dedupe,
      revision: current.revision + 1,
      recent: current.recent,
    },
  };
}

/**
 * The registry as the settings of the moment make it: a workflow's rollout rule picks new instances' versions,
 * and its dedupe window replaces the definitions' one for new instances (an instance keeps the window it
 * started with).
 */
export function withSettings(
  registry: Registry,
  settingsOf: (workflow: string) => WorkflowSettings | undefined,
): Registry {
  const adjusted = new WeakMap<
    WorkflowDefinition,
    { window: DedupeWindow; definition: WorkflowDefinition }
  >();
  const adjust = (definition: WorkflowDefinition | undefined): WorkflowDefinition | undefined => {
    const window = definition === undefined ? null : (settingsOf(definition.name)?.dedupe ?? null);
    if (definition === undefined || window === null) return definition;
    const known = adjusted.get(definition);
    if (known?.window === window) return known.definition;
    const changed = { ...definition, dedupe: window };
    adjusted.set(definition, { window, definition: changed });
    return changed;
  };
  return {
    ...registry,
    get: (name, version) => adjust(registry.get(name, version)),
    pick: (name, correlationId) => {
      const rule = settingsOf(name)?.rollout ?? null;
      if (rule === null) return adjust(registry.pick(name, correlationId));
      const version = chooseVersion(rule, correlationId);
      return adjust(
        version === null
          ? registry.get(name, Math.max(...registry.versions(name)))
          : registry.get(name, version),
      );
    },
  };
}
