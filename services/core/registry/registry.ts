// Definitions by name and version, and the rollout rule that picks the version of new instances.
import { unitInterval } from '../json/fnv-hash';
import { DefinitionError } from '../definition/definition-error';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { unreachable } from '../unreachable';

import type { RolloutRule } from './rollout-rule';

export type { RolloutRule } from './rollout-rule';

export interface Registry {
  get(name: string, version: number): WorkflowDefinition | undefined;
  has(name: string): boolean;
  versions(name: string): number[];
  /** The version a new instance with this correlation id starts on. */
  pick(name: string, correlationId: string): WorkflowDefinition | undefined;
  names(): string[];
}

export function createRegistry(
  definitions: readonly WorkflowDefinition[],
  rollout: Readonly<Record<string, RolloutRule>> = {},
): Registry {
  const byName = new Map<string, Map<number, WorkflowDefinition>>();
  for (const definition of definitions) {
    const versions = byName.get(definition.name) ?? new Map<number, WorkflowDefinition>();
    if (versions.has(definition.version)) {
      throw new DefinitionError(`${definition.name}@${definition.version} is registered twice`);
    }
    byName.set(definition.name, versions.set(definition.version, definition));
  }
  const rules = new Map(Object.entries(rollout));
  for (const [name, rule] of rules) checkRule(name, rule, byName.get(name)?.keys());
  const latest = (name: string) => {
    const versions = byName.get(name);
    return versions ? versions.get(Math.max(...versions.keys())) : undefined;
  };
  return {
    get: (name, version) => byName.get(name)?.get(version),
    has: (name) => byName.has(name),
    versions: (name) => [...(byName.get(name)?.keys() ?? [])].sort((a, b) => a - b),
    names: () => [...byName.keys()].sort(),
    pick: (name, correlationId) => {
      const rule = rules.get(name) ?? { kind: 'latest' };
      const chosen = chooseVersion(rule, correlationId);
      return chosen === null ? latest(name) : byName.get(name)?.get(chosen);
    },
  };
}

/** null means the latest version. */
export function chooseVersion(rule: RolloutRule, correlationId: string): number | null {
  switch (rule.kind) {
    case 'latest':
      return null;
    case 'pinned':
      return rule.version;
    case 'canary':
      return unitInterval(`canary:${correlationId}`) * 100 < rule.percent ? rule.canary : rule.stable;
    default:
      return unreachable(rule);
  }
}

/** Throws DefinitionError when `rule` names a version `registry` does not hold, or a share outside 0..100. */
export function checkRollout(name: string, rule: RolloutRule, registry: Registry): void {
  checkRule(name, rule, registry.has(name) ? registry.versions(name).values() : undefined);
}

function checkRule(name: string, rule: RolloutRule, known: Iterable<number> | undefined): void {
  if (known === undefined) throw new DefinitionError(`rollout for unknown workflow ${name}`);
  const versions = new Set(known);
  const need =
    rule.kind === 'pinned' ? [rule.version] : rule.kind === 'canary' ? [rule.stable, rule.canary] : [];
  for (const version of need) {
    if (!versions.has(version))
      throw new DefinitionError(`rollout of ${name} names unknown version ${version}`);
  }
  if (rule.kind === 'canary' && !(rule.percent >= 0 && rule.percent <= 100)) {
    throw new DefinitionError(`rollout of ${name}: percent must be within 0..100`);
  }
}
