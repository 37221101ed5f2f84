// The team's workflows module for the evolution commands (check, shadow, migrate-dry-run): a missing or broken
// module is a usage error naming the file, as for `diagram`.
import type { Registry } from '../../core';
import { ModuleError } from '../../platform/workflows/module-error';
import { WORKFLOWS_MODULE } from '../../platform/workflows/module-argument';
import { loadWorkflows } from '../../platform/workflows/workflows-module';
import { usageError } from '../cli-error';

export async function teamWorkflows(path: string | undefined, flag: string): Promise<Registry> {
  if (path === undefined || path === '') {
    throw usageError(`name the workflows with ${flag} <module> or ${WORKFLOWS_MODULE.env}`, 'no-workflows');
  }
  try {
    return await loadWorkflows(path);
  } catch (error) {
    if (error instanceof ModuleError) throw usageError(error.message, 'bad-module');
    throw error;
  }
}

/** The definitions of `registry`, of one workflow when `only` is given (a usage error when it is unknown). */
export function definitionsOf(registry: Registry, only: string | undefined) {
  if (only !== undefined && !registry.has(only)) {
    throw usageError(`unknown workflow ${only}; known: ${registry.names().join(', ')}`, 'unknown-workflow');
  }
  const names = only === undefined ? registry.names() : [only];
  return names.flatMap((name) => registry.versions(name).map((version) => registry.get(name, version)!));
}
