// migrate-dry-run: a migration tried on every running instance of a workflow, in memory, before `migrate` is run
// for real. Instances are folded from the transitions log (read_committed) or from a file `statewright record`
// wrote; the target version's migration comes from the team's workflows module. Nothing is written.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { LogRecord } from '../../core';
import { foldInstances, migrationDryRun } from '../../core/evolution';
import { WORKFLOWS_MODULE } from '../../platform/workflows/module-argument';
import { CliError, usageError } from '../cli-error';
import { EXIT } from '../exit-codes';
import { migrationReport } from '../evolution/migration-report';
import { teamWorkflows } from '../evolution/team-workflows';
import { parseLines } from '../transitions/transitions-file';
import { TopicSource } from '../transitions/transitions-source';
import { kafkaConnectionOf, withKafka, type KafkaOptions } from './log-commands';

export interface DryRunOptions extends KafkaOptions {
  readonly to: number;
  readonly from?: number;
  readonly workflows?: string;
  readonly file?: string;
  readonly json?: boolean;
}

export function addMigrateDryRunCommand(program: Command): void {
  withKafka(program.command('migrate-dry-run <workflow>'))
    .description('try a migration on every running instance in memory and report the ones that would fail')
    .requiredOption('--to <version>', 'the target version', version)
    .option('--from <version>', 'only instances of this version (every other version when absent)', version)
    .option('--workflows <module>', `the module exporting the workflows (env ${WORKFLOWS_MODULE.env})`)
    .option('--file <file>', 'fold a transitions file written by `statewright record` instead of the topic')
    .option('--json', 'print the report as JSON')
    .action(runMigrationDryRun);
}

/**
 * Prints which running instances of `workflow` the migration to `options.to` would fail on; throws (exit 1) when
 * any would. `statewright migrate <workflow> --dry-run` runs it too.
 */
export async function runMigrationDryRun(workflow: string, options: DryRunOptions): Promise<void> {
  const registry = await teamWorkflows(options.workflows ?? process.env[WORKFLOWS_MODULE.env], '--workflows');
  if (registry.get(workflow, options.to) === undefined) {
    const known = registry.has(workflow) ? registry.versions(workflow).join(', ') : 'none';
    throw usageError(`the workflows module holds no ${workflow}@${options.to} (versions: ${known})`);
  }
  const instances = foldInstances(await recordsOf(options));
  const report = migrationDryRun(
    registry,
    instances.values(),
    {
      workflow,
      targetVersion: options.to,
      ...(options.from === undefined ? {} : { fromVersion: options.from }),
    },
    Date.now(),
  );
  process.stdout.write(
    options.json === true ? `${JSON.stringify(report, null, 2)}\n` : migrationReport(report),
  );
  if (report.failed > 0)
    throw new CliError(
      `${report.failed} instance(s) would fail to migrate`,
      'migration-would-fail',
      EXIT.failed,
    );
}

async function recordsOf(options: DryRunOptions): Promise<LogRecord[]> {
  if (options.file !== undefined) {
    const file = options.file;
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw usageError(
        `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        'unreadable-file',
      );
    });
    return parseLines(text, file).map((line) => line.record);
  }
  const source = await TopicSource.transitions(kafkaConnectionOf(options, process.env));
  const records: LogRecord[] = [];
  await source.readToEnd((line) => records.push(line.record));
  return records;
}

function version(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`expected a positive integer, got "${text}"`);
  return value;
}
