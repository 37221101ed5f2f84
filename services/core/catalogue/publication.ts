// Which of the definitions an orchestrator serves the catalogue still lacks, and which would change a version
// already published. A published version never changes under running instances: a conflict refuses the start.
import { definitionKey, type DescribedDefinition } from './described-definition';

export interface PublicationConflict {
  readonly name: string;
  readonly version: number;
  readonly published: string;
  readonly served: string;
}

export interface Publication {
  /** Not in the catalogue yet. */
  readonly publish: readonly DescribedDefinition[];
  /** Already there with the same hash: nothing to write. */
  readonly unchanged: readonly DescribedDefinition[];
  readonly conflicts: readonly PublicationConflict[];
}

export function planPublication(
  published: (key: string) => DescribedDefinition | undefined,
  served: readonly DescribedDefinition[],
): Publication {
  const publish: DescribedDefinition[] = [];
  const unchanged: DescribedDefinition[] = [];
  const conflicts: PublicationConflict[] = [];
  for (const described of served) {
    const existing = published(definitionKey(described.name, described.version));
    if (existing === undefined) publish.push(described);
    else if (existing.hash === described.hash) unchanged.push(described);
    else
      conflicts.push({
        name: described.name,
        version: described.version,
        published: existing.hash,
        served: described.hash,
      });
  }
  return { publish, unchanged, conflicts };
}

/** One line per conflict, naming the workflow and version and what to do instead. */
export const conflictMessage = (conflicts: readonly PublicationConflict[]): string =>
  conflicts
    .map(
      (c) =>
        `${c.name}@${c.version} differs from the published ${c.name}@${c.version} (hash ${c.served}, published ${c.published}): a deployed version never changes; give the changed definition a new version`,
    )
    .join('\n');
