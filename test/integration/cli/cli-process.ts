// Builds the project once and runs the compiled statewright command as a child process.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { EXAMPLE_MODULES } from '../../harness/examples';
import { repoRoot } from '../../harness/infrastructure';

const run = promisify(execFile);
export const cliPath = path.join(repoRoot, 'dist', 'services', 'cli', 'main.js');

/** `npm run build`'s compiler run; its output is reported when the CLI did not come out of it. */
export async function buildCli(): Promise<void> {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot }).catch(
    (error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code }),
  );
  const problems = 'code' in result ? result.stdout : '';
  const ours = problems
    .split('\n')
    .filter((line) => line.startsWith('services/cli') || line.startsWith('services/gateway'));
  if (ours.length > 0 || !existsSync(cliPath)) throw new Error(`building the CLI failed:\n${problems}`);
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function statewright(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...EXAMPLE_MODULES, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}
