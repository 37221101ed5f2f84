// up, down, status, env: the local stack without Docker, run by the statewright package's deploy/local/stack.sh with
// its data in the project (see ../stack/local-stack.ts).
import type { Command } from 'commander';
import { runStack } from '../stack/local-stack';

export function addStackCommands(program: Command): void {
  program
    .command('up')
    .description("start the local stack (Kafka, Apicurio registry, Redis); data under the project's .stack/")
    .action(async () => {
      await runStack('up');
    });
  program
    .command('down')
    .description('stop the local stack')
    .action(async () => {
      await runStack('down');
    });
  program
    .command('status')
    .description('print the local stack endpoints; exit 1 when a part is down')
    .action(async () => {
      await runStack('status');
    });
  program
    .command('env')
    .description('print the connection settings of the local stack (KEY=value lines, for `set -a; eval`)')
    .action(async () => {
      process.stdout.write(await runStack('env', { capture: true }));
    });
}
