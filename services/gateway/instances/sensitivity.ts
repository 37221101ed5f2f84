// Finds the sensitive paths an instance's definition declares, as the catalogue holds them: its own version, else
// any version of its workflow; an instance of a workflow the catalogue does not know is hidden whole.
import type { Catalogue } from '../../core';
import type { Sensitivity } from './redaction';

export function sensitivityOf(catalogue: Catalogue, workflow: string, version: number): Sensitivity {
  const definition =
    catalogue.get(workflow, version) ??
    catalogue
      .versions(workflow)
      .map((known) => catalogue.get(workflow, known))
      .find((found) => found !== undefined);
  return definition === undefined ? { kind: 'everything' } : { kind: 'paths', paths: definition.sensitive };
}
