// dev: a project's workflows live on one machine. The orchestrator, a worker and the gateway run as three processes
// of this same statewright command on the project's compiled modules, connected to the local stack (`statewright
// up`) unless the environment names other servers; Ctrl-C or SIGTERM stops all three.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { HANDLERS_MODULE, WORKFLOWS_MODULE } from '../../platform/workflows/module-argument';
import { CliError, usageError } from '../cli-error';
import { ProcessGroup } from '../dev/process-group';
import { EXIT } from '../exit-codes';
import { stackConnectionEnv } from '../stack/local-stack';

interface DevOptions {
  readonly workflows?: string;
  readonly handlers?: string;
}

interface Modules {
  readonly workflows: string;
  readonly handlers: string;
}

/** The statewright command that serves `orchestrator`, `worker` and `gateway` (dist/apps/statewright.js). */
const STATEWRIGHT_BIN = path.resolve(__dirname, '..', '..', '..', 'apps', 'statewright.js');
const CONNECTION_KEYS = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'REDIS_URL'] as const;

export function addDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the orchestrator, a worker and the gateway on your modules (Ctrl-C stops them)')
    .option(
      '--workflows <module>',
      `the compiled module exporting \`workflows\` (env ${WORKFLOWS_MODULE.env})`,
    )
    .option('--handlers <module>', `the compiled module exporting \`handlers\` (env ${HANDLERS_MODULE.env})`)
    .action(async (options: DevOptions) => {
      const modules = modulesOf(options);
      const ended = await runDev(modules, await devEnvironment());
      if (ended !== undefined) {
        throw new CliError(`${ended} exited by itself; the others were stopped`, 'dev-failed', EXIT.failed);
      }
    });
}

function modulesOf(options: DevOptions): Modules {
  const named = (given: string | undefined, source: typeof WORKFLOWS_MODULE) => {
    const file = given ?? process.env[source.env];
    if (file === undefined || file === '') throw usageError(`name the module with ${source.flag} <module>`);
    const absolute = path.resolve(file);
    if (!existsSync(absolute)) {
      throw usageError(`${source.flag} ${file}: no such file (build the project first: npm run build)`);
    }
    return absolute;
  };
  return {
    workflows: named(options.workflows, WORKFLOWS_MODULE),
    handlers: named(options.handlers, HANDLERS_MODULE),
  };
}

/** This process's environment, with the local stack's connection settings where it names none. */
async function devEnvironment(): Promise<NodeJS.ProcessEnv> {
  const complete = CONNECTION_KEYS.every((key) => (process.env[key] ?? '') !== '');
  return complete ? { ...process.env } : { ...(await stackConnectionEnv()), ...process.env };
}

/** Resolves once all three have exited: with the name of the one that exited by itself, if one did. */
async function runDev(modules: Modules, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const group = new ProcessGroup(env);
  const stop = () => group.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const node = process.execPath;
  // The orchestrator creates the topics the other two read; they start once it is ready. A process that exits
  // before it is ready has stopped the group already, and `done` names it.
  const orchestrator = group.start('orchestrator', node, [
    STATEWRIGHT_BIN,
    'orchestrator',
    '--workflows',
    modules.workflows,
  ]);
  if (await group.waitForLine(orchestrator, /orchestrator ready/)) {
    group.start('worker', node, [STATEWRIGHT_BIN, 'worker', '--handlers', modules.handlers]);
    // The gateway needs no module: it reads the workflows the orchestrator published to the catalogue.
    const gateway = group.start('gateway', node, [STATEWRIGHT_BIN, 'gateway']);
    if (await group.waitForLine(gateway, /gateway listening/)) {
      process.stderr.write(
        'statewright dev: orchestrator, worker and gateway are running; Ctrl-C stops them\n',
      );
    }
  }
  const ended = await group.done();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return ended === undefined ? undefined : `${ended.name} (exit code ${ended.code})`;
}
