// A team's module named at start (`--workflows`, `--handlers`): loaded by path, CommonJS or ESM alike. This is
// how a team's code reaches statewright's runnables; statewright's services never import it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModuleError } from './module-error';

/** The module's exports; a default export that is an object counts as the exports too. */
export async function loadTeamModule(path: string, option: string): Promise<Record<string, unknown>> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ModuleError(path, `${option} names no file (looked for ${file})`);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ModuleError(path, `loading it failed: ${why}`, { cause: error });
  }
  const fallback = loaded.default;
  return typeof fallback === 'object' && fallback !== null
    ? { ...(fallback as Record<string, unknown>), ...loaded }
    : loaded;
}
