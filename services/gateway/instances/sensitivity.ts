// Finds the sensitive paths an instance's definition declares: its own version, else any version of its workflow.
import type { Registry } from '../../core';
import type { Sensitivity } from './redaction';

export function sensitivityOf(registry: Registry, workflow: string, version: number): Sensitivity {
  const definition =
    registry.get(workflow, version) ??
    registry
      .versions(workflow)
      .map((known) => registry.get(workflow, known))
      .find((found) => found !== undefined);
  return definition === undefined ? { kind: 'everything' } : { kind: 'paths', paths: definition.sensitive };
}
