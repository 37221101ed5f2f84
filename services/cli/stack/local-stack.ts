// The local stack (Kafka, the schema registry and Redis as plain processes) run by the packaged
// deploy/local/stack.sh. Its data, logs and pid files live in the project that asks for it (`.stack/` beside the
// project's package.json), never inside the installed package.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError, unavailable } from '../cli-error';
import { EXIT } from '../exit-codes';
import { statewrightPackage } from '../package-root';

export type StackAction = 'up' | 'down' | 'status' | 'env';

/** The project around `cwd`: the nearest folder above it with a package.json, else `cwd` itself. */
export function projectRoot(cwd: string = process.cwd()): string {
  for (let current = cwd; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, 'package.json'))) return current;
    if (path.dirname(current) === current) return cwd;
  }
}

/** The script's environment: the caller's, with STACK_DIR in the project unless the caller set one. */
export function stackEnvironment(env: NodeJS.ProcessEnv = process.env, cwd?: string): NodeJS.ProcessEnv {
  return { ...env, STACK_DIR: env.STACK_DIR || path.join(projectRoot(cwd), '.stack') };
}

export function stackScript(root: string = statewrightPackage().root): string {
  const script = path.join(root, 'deploy', 'local', 'stack.sh');
  if (!existsSync(script))
    throw unavailable(`${script} is missing from the statewright package`, 'stack-missing');
  return script;
}

/** Runs `stack.sh <action>`; its output goes to this process's, or is collected when `capture` is set. */
export function runStack(action: StackAction, options: { capture?: boolean } = {}): Promise<string> {
  const script = stackScript();
  return new Promise((resolve, reject) => {
    // Through bash: a packed or copied script may have lost its executable bit.
    const child = spawn('bash', [script, action], {
      env: stackEnvironment(),
      stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) =>
      reject(unavailable(`could not run ${script}: ${error.message}`, 'stack-failed')),
    );
    child.on('exit', (code) => {
      if (code === 0) return resolve(output);
      const exit = action === 'status' ? EXIT.failed : EXIT.unavailable;
      reject(
        new CliError(`stack.sh ${action} exited with ${code}`, 'stack-failed', exit, action !== 'status'),
      );
    });
  });
}

/** KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL of the project's local stack, as `stack.sh env` prints them. */
export async function stackConnectionEnv(): Promise<Record<string, string>> {
  const lines = (await runStack('env', { capture: true })).split('\n');
  const pairs = lines
    .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1]!, match[2]!] as const);
  return Object.fromEntries(pairs);
}
