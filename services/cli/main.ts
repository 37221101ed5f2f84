#!/usr/bin/env node
// The statewright command: parses arguments and runs one subcommand; failures become one line on stderr and the
// exit code documented in --help.
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error';
import { addDiagramCommand } from './commands/diagram-command';
import { addInstanceCommands } from './commands/instance-commands';
import { addKeysCommands } from './commands/keys-commands';
import { addLogCommands } from './commands/log-commands';
import { addStackCommands } from './commands/stack-commands';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';

function program(): Command {
  const root = new Command('statewright')
    .description('durable workflow state machines on Kafka')
    .version('0.1.0')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .showHelpAfterError(false);
  addStackCommands(root);
  addInstanceCommands(root);
  addLogCommands(root);
  addKeysCommands(root);
  addDiagramCommand(root);
  for (const command of root.commands) command.exitOverride().addHelpText('after', EXIT_CODES_HELP);
  return root;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`statewright: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`statewright: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
