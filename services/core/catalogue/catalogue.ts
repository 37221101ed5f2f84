// The workflows a catalogue of described definitions holds, and the version a new instance starts on: the same
// rollout rule as the orchestrator's registry (`chooseVersion`), read from the same settings.
import { chooseVersion } from '../registry/registry';
import type { WorkflowSettings } from '../registry/workflow-settings';
import { definitionKey, type DescribedDefinition } from './described-definition';

export interface Catalogue {
  names(): string[];
  has(name: string): boolean;
  versions(name: string): number[];
  get(name: string, version: number): DescribedDefinition | undefined;
  /** The version a new instance with this correlation id starts on. */
  pick(name: string, correlationId: string): DescribedDefinition | undefined;
}

/** What a catalogue reads: its descriptions by `name@version` (a live table or a fixed map). */
export interface DescriptionSource {
  lookup(key: string): DescribedDefinition | undefined;
  values(): Iterable<DescribedDefinition>;
}

export function createCatalogue(
  source: DescriptionSource,
  settingsOf: (workflow: string) => WorkflowSettings | undefined = () => undefined,
): Catalogue {
  const versions = (name: string) =>
    [...source.values()]
      .filter((described) => described.name === name)
      .map((described) => described.version)
      .sort((a, b) => a - b);
  const get = (name: string, version: number) => source.lookup(definitionKey(name, version));
  return {
    names: () => [...new Set([...source.values()].map((described) => described.name))].sort(),
    has: (name) => versions(name).length > 0,
    versions,
    get,
    pick: (name, correlationId) => {
      const known = versions(name);
      if (known.length === 0) return undefined;
      const rule = settingsOf(name)?.rollout ?? null;
      const chosen = rule === null ? null : chooseVersion(rule, correlationId);
      return get(name, chosen ?? Math.max(...known));
    },
  };
}

/** A fixed catalogue of the given descriptions. */
export function catalogueOf(
  descriptions: Iterable<DescribedDefinition>,
  settingsOf?: (workflow: string) => WorkflowSettings | undefined,
): Catalogue {
  const byKey = new Map([...descriptions].map((d) => [definitionKey(d.name, d.version), d]));
  return createCatalogue({ lookup: (key) => byKey.get(key), values: () => byKey.values() }, settingsOf);
}
