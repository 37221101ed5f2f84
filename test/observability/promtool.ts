// promtool's own checks of a Prometheus config (with the rule files it names) and of rule files.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PromtoolResult {
  readonly ok: boolean;
  readonly output: string;
}

async function promtool(args: readonly string[]): Promise<PromtoolResult> {
  try {
    const { stdout, stderr } = await run('promtool', [...args], { timeout: 30_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}${failure.message}` };
  }
}

export const checkConfig = (file: string): Promise<PromtoolResult> => promtool(['check', 'config', file]);

export const checkRules = (...files: string[]): Promise<PromtoolResult> =>
  promtool(['check', 'rules', ...files]);
