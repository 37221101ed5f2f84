// shadow: a candidate version decides the recorded commands of real instances in memory and is compared with
// what was recorded. The history comes from the topics (read_committed) or a recorded file; --record writes
// that file. Exit 1 when more instances diverge than --threshold allows.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import { shadowReplay, type RecordedCommand } from '../../core/evolution';
import { CliError, usageError } from '../cli-error';
import { EXIT } from '../exit-codes';
import { formatHistoryLine, parseHistory, startedSince } from '../evolution/history-file';
import { shadowReport } from '../evolution/shadow-report';
import { teamWorkflows } from '../evolution/team-workflows';
import { readHistory } from '../evolution/topic-history';
import { kafkaConnectionOf, withKafka, type KafkaOptions } from './log-commands';

interface ShadowOptions extends KafkaOptions {
  readonly candidate?: string;
  readonly workflow?: string;
  readonly definitionVersion?: number;
  readonly since?: number;
  readonly file?: string;
  readonly record?: string;
  readonly json?: boolean;
  readonly threshold: number;
}

export function addShadowCommand(program: Command): void {
  withKafka(program.command('shadow'))
    .description('decide recorded commands with a candidate version in memory and report where it differs')
    .option('--candidate <module>', 'the module exporting the candidate workflows')
    .option('--workflow <name>', 'only instances of this workflow')
    .option('--definition-version <n>', "the candidate's version to try (its latest when absent)", count)
    .option('--since <time>', 'only instances started at or after this time (ISO 8601 or epoch ms)', instant)
    .option('--file <file>', 'read a recorded history file instead of the topics')
    .option('--record <file>', 'write the history read from the topics to this file, and compare nothing')
    .option('--json', 'print the report as JSON')
    .option('--threshold <n>', 'divergent instances allowed before exit 1', count, 0)
    .action(async (options: ShadowOptions) => {
      if (options.file !== undefined && options.record !== undefined)
        throw usageError('--record writes what the topics hold; it cannot read --file');
      const history = await historyOf(options);
      if (options.record !== undefined) return record(history, options.record);
      if (options.candidate === undefined)
        throw usageError('name the candidate with --candidate <module> (or --record <file> to record only)');
      const candidate = await teamWorkflows(options.candidate, '--candidate');
      const report = shadowReplay(candidate, history, {
        ...(options.workflow === undefined ? {} : { workflow: options.workflow }),
        ...(options.definitionVersion === undefined ? {} : { version: options.definitionVersion }),
      });
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(report, null, 2)}\n`
          : shadowReport(report, options.threshold),
      );
      if (report.divergences.length > options.threshold) {
        const message = `${report.divergences.length} instance(s) diverge (threshold ${options.threshold})`;
        throw new CliError(message, 'shadow-divergent', EXIT.failed);
      }
    });
}

async function historyOf(options: ShadowOptions): Promise<RecordedCommand[]> {
  const history = options.file === undefined ? await fromTopics(options) : await fromFile(options.file);
  return options.since === undefined ? history : startedSince(history, options.since);
}

async function fromTopics(options: ShadowOptions): Promise<RecordedCommand[]> {
  const { history, unpaired } = await readHistory(kafkaConnectionOf(options, process.env));
  if (unpaired > 0)
    process.stderr.write(
      `${unpaired} record(s) of the transitions log match no command still in the commands topic\n`,
    );
  return history;
}

async function fromFile(file: string): Promise<RecordedCommand[]> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw usageError(
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      'unreadable-file',
    );
  });
  return parseHistory(text, file);
}

async function record(history: readonly RecordedCommand[], file: string): Promise<void> {
  const out = createWriteStream(file, { flags: 'w' });
  for (const entry of history) out.write(`${formatHistoryLine(entry)}\n`);
  out.end();
  await once(out, 'finish');
  process.stderr.write(`recorded ${history.length} command(s) to ${file}\n`);
}

function count(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw usageError(`expected a whole number, got "${text}"`);
  return value;
}

function instant(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(value)) throw usageError(`expected an ISO 8601 time or epoch ms, got "${text}"`);
  return value;
}
