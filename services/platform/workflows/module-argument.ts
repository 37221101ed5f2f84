// Where a runnable finds the team's module: a command-line flag (`--workflows <module>`) or, for processes
// started by a supervisor, an environment variable naming the same file.
import { ModuleError } from './module-error';

export interface ModuleSource {
  /** The flag, e.g. `--workflows`. */
  readonly flag: string;
  /** The environment variable, e.g. `STATEWRIGHT_WORKFLOWS`. */
  readonly env: string;
}

export function moduleArgument(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  source: ModuleSource,
): string {
  const path = givenModule(argv, env, source);
  if (path === undefined) {
    throw new ModuleError(
      '(none)',
      `name the team's module with ${source.flag} <module> or ${source.env}=<module> (a .js file exporting what it runs)`,
    );
  }
  return path;
}

/** The module named by the flag or the variable, if any. */
export function givenModule(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  source: ModuleSource,
): string | undefined {
  const at = argv.findIndex((arg) => arg === source.flag || arg.startsWith(`${source.flag}=`));
  const given =
    at < 0 ? undefined : argv[at]!.includes('=') ? argv[at]!.split('=').slice(1).join('=') : argv[at + 1];
  const path = given ?? env[source.env];
  return path === '' ? undefined : path;
}

export const WORKFLOWS_MODULE: ModuleSource = { flag: '--workflows', env: 'STATEWRIGHT_WORKFLOWS' };
export const HANDLERS_MODULE: ModuleSource = { flag: '--handlers', env: 'STATEWRIGHT_HANDLERS' };
