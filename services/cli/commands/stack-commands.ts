// up, down, status: the local stack without Docker, by running deploy/local/stack.sh of this repository.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, unavailable } from '../cli-error';
import { EXIT } from '../exit-codes';

/** deploy/local/stack.sh found upwards from this module (it runs from sources and from dist/). */
function stackScript(start: string = __dirname): string {
  let current = start;
  for (let depth = 0; depth < 8; depth++) {
    const candidate = path.join(current, 'deploy', 'local', 'stack.sh');
    if (existsSync(candidate)) return candidate;
    current = path.dirname(current);
  }
  throw unavailable(`deploy/local/stack.sh not found above ${start}`, 'stack-missing');
}

function runStack(action: 'up' | 'down' | 'status'): Promise<void> {
  const script = stackScript();
  return new Promise((resolve, reject) => {
    const child = spawn(script, [action], { stdio: 'inherit' });
    child.on('error', (error) =>
      reject(unavailable(`could not run ${script}: ${error.message}`, 'stack-failed')),
    );
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const exit = action === 'status' ? EXIT.failed : EXIT.unavailable;
      reject(
        new CliError(`stack.sh ${action} exited with ${code}`, 'stack-failed', exit, action !== 'status'),
      );
    });
  });
}

export function addStackCommands(program: Command): void {
  program
    .command('up')
    .description('start the local stack (Kafka, Apicurio registry, Redis)')
    .action(() => runStack('up'));
  program
    .command('down')
    .description('stop the local stack')
    .action(() => runStack('down'));
  program
    .command('status')
    .description('print the local stack endpoints; exit 1 when a part is down')
    .action(() => runStack('status'));
}
