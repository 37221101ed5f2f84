// The workflows a runnable serves: the `workflows` export of the team's module, an array of definitions built
// with `setup(...).define(...)`. Checked whole at start: every problem names the file.
import { createRegistry, DefinitionError, type Registry, type WorkflowDefinition } from '../../core';
import { ModuleError } from './module-error';
import { loadTeamModule } from './team-module';

export async function loadWorkflows(path: string): Promise<Registry> {
  const exports = await loadTeamModule(path, '--workflows');
  return workflowsOf(path, exports.workflows);
}

export function workflowsOf(path: string, exported: unknown): Registry {
  if (!Array.isArray(exported) || exported.length === 0) {
    throw new ModuleError(
      path,
      'exports no `workflows`: export a non-empty array of definitions, e.g. `export const workflows = [flow]`',
    );
  }
  exported.forEach((candidate, index) => {
    if (!isDefinition(candidate)) {
      throw new ModuleError(
        path,
        `workflows[${index}] is not a definition built with setup(...).define(...)`,
      );
    }
  });
  try {
    return createRegistry(exported as WorkflowDefinition[]);
  } catch (error) {
    if (error instanceof DefinitionError) throw new ModuleError(path, error.message, { cause: error });
    throw error;
  }
}

function isDefinition(value: unknown): value is WorkflowDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const { name, version, initial, states } = value as Partial<WorkflowDefinition>;
  return (
    typeof name === 'string' &&
    Number.isInteger(version) &&
    typeof initial === 'string' &&
    states instanceof Map
  );
}

/** The workflows a runnable is handed in code: their definitions, or a registry of them. */
export type Workflows = Registry | readonly WorkflowDefinition[];

export const registryOf = (workflows: Workflows): Registry =>
  Array.isArray(workflows)
    ? createRegistry(workflows as readonly WorkflowDefinition[])
    : (workflows as Registry);
