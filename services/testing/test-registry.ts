// The definitions an environment serves, handed over as the orchestrator takes them (an array of definitions or a
// registry), with the run-time settings an admin would have set (rollout rule, dedupe window) applied by the core.
import {
  checkRollout,
  createRegistry,
  DEPLOYED,
  withSettings,
  type DedupeWindow,
  type Registry,
  type RolloutRule,
  type WorkflowDefinition,
  type WorkflowSettings,
} from '../core';

/** The same shape the orchestrator's `workflows` option takes. */
export type Workflows = Registry | readonly WorkflowDefinition[];

/** A workflow's settings as a `workflow-settings` command would leave them; absent fields keep the deployed ones. */
export interface TestSettings {
  readonly rollout?: RolloutRule | null;
  readonly dedupe?: DedupeWindow | null;
}

export function testRegistry(
  workflows: Workflows,
  settings: Readonly<Record<string, TestSettings>> = {},
): Registry {
  const deployed = Array.isArray(workflows)
    ? createRegistry(workflows as readonly WorkflowDefinition[])
    : (workflows as Registry);
  const table = new Map<string, WorkflowSettings>();
  for (const [name, given] of Object.entries(settings)) {
    if (given.rollout !== undefined && given.rollout !== null) checkRollout(name, given.rollout, deployed);
    table.set(name, {
      ...DEPLOYED,
      rollout: given.rollout ?? null,
      dedupe: given.dedupe ?? null,
      revision: 1,
    });
  }
  return table.size === 0 ? deployed : withSettings(deployed, (name) => table.get(name));
}
