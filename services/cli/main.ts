#!/usr/bin/env node
// The statewright command: parses arguments and runs one subcommand; failures become one line on stderr and the
// exit code documented in --help.
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error';
import { addCircuitCommand } from './commands/circuit-command';
import { addDevCommand } from './commands/dev-command';
import { addDiagramCommand } from './commands/diagram-command';
import { addInstanceCommands } from './commands/instance-commands';
import { addDlqCommands } from './commands/dlq-commands';
import { addEvolutionCommands } from './commands/evolution-commands';
import { addInitCommand } from './commands/init-command';
import { addKeysCommands } from './commands/keys-commands';
import { addBulkCommand } from './commands/bulk-command';
import { addListCommand } from './commands/list-command';
import { addLogCommands } from './commands/log-commands';
import { addStackCommands } from './commands/stack-commands';
import { addVersionsCommand } from './commands/versions-command';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';

const SERVERS_HELP = `
Servers, on a team's own modules (the installed \`statewright\` command):
  statewright orchestrator --workflows <module>   serve the module's workflows
  statewright worker --handlers <module>          run the module's task handlers
  statewright gateway                             the HTTP API for the workflows the catalogue holds
`;

function program(): Command {
  const root = new Command('statewright')
    .description('durable workflow state machines on Kafka')
    .version('0.1.0')
    // `list --version <n>` is the subcommand's: root options only count before the subcommand.
    .enablePositionalOptions()
    .addHelpText('after', `${SERVERS_HELP}${EXIT_CODES_HELP}`)
    .exitOverride()
    .showHelpAfterError(false);
  addInitCommand(root);
  addStackCommands(root);
  addDevCommand(root);
  addInstanceCommands(root);
  addListCommand(root);
  addVersionsCommand(root);
  addBulkCommand(root);
  addLogCommands(root);
  addKeysCommands(root);
  addDlqCommands(root);
  addDiagramCommand(root);
  addEvolutionCommands(root);
  addCircuitCommand(root);
  for (const command of root.commands) command.exitOverride().addHelpText('after', EXIT_CODES_HELP);
  return root;
}

/** Runs one subcommand of `argv` (node, script, subcommand, …); resolves to the process's exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
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

if (require.main === module) {
  void runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
