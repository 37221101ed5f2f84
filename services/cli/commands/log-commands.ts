// tail, record, replay: the transitions log seen live, written to a file, and re-folded from one.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error';
import { EXIT } from '../exit-codes';
import { terminalText } from '../terminal-text';
import { replay } from '../transitions/replay';
import { formatLine, parseLines, type RecordedLine } from '../transitions/transitions-file';
import { TransitionsSource, type SourceOptions } from '../transitions/transitions-source';

export interface KafkaOptions {
  readonly brokers: string;
  readonly registry: string;
  readonly prefix: string;
}

const sourceOf = (options: KafkaOptions): SourceOptions => ({
  brokers: options.brokers,
  registryUrl: options.registry,
  prefix: options.prefix,
});

export function withKafka(command: Command): Command {
  return command
    .option(
      '--brokers <list>',
      'Kafka bootstrap servers (env KAFKA_BROKERS)',
      process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    )
    .option(
      '--registry <url>',
      'schema registry URL (env SCHEMA_REGISTRY_URL)',
      process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:18081/apis/ccompat/v7',
    )
    .option(
      '--prefix <prefix>',
      'topic prefix (env STATEWRIGHT_PREFIX)',
      process.env.STATEWRIGHT_PREFIX ?? 'statewright',
    );
}

/** time, correlationId, seq, from → to, event; non-transitions show their kind and command. */
export function humanLine(line: RecordedLine): string {
  const time = new Date(line.at).toISOString();
  if (line.record.kind === 'transition') {
    const r = line.record;
    return terminalText(
      `${time} ${r.correlationId} #${r.seq} ${r.from ?? '∅'} → ${r.to} (${r.event}) ${r.status}`,
    );
  }
  return terminalText(`${time} ${line.correlationId} ${line.kind} ${line.commandId}`);
}

export function addLogCommands(program: Command): void {
  withKafka(program.command('tail'))
    .description('print transitions as they are committed, one line each (Ctrl-C stops)')
    .option('--json', 'print lines of the recorded transitions format instead')
    .option('--from-beginning', 'start at the beginning of the log')
    .action(async (options: KafkaOptions & { json?: boolean; fromBeginning?: boolean }) => {
      const source = await TransitionsSource.connect(sourceOf(options));
      const stopped = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]).then(() => undefined);
      const print = (line: RecordedLine) =>
        process.stdout.write(`${options.json ? formatLine(line) : humanLine(line)}\n`);
      await source.follow(options.fromBeginning === true, print, stopped);
    });

  withKafka(program.command('record'))
    .description(
      'write the transitions log, beginning to current end, as JSON lines (the format replay reads)',
    )
    .requiredOption('--out <file>', 'file to write')
    .action(async (options: KafkaOptions & { out: string }) => {
      const source = await TransitionsSource.connect(sourceOf(options));
      const out = createWriteStream(options.out, { flags: 'w' });
      let count = 0;
      await source.readToEnd((line) => {
        count += 1;
        out.write(`${formatLine(line)}\n`);
      });
      out.end();
      await once(out, 'finish');
      process.stderr.write(`recorded ${count} records to ${options.out}\n`);
    });

  program
    .command('replay <file>')
    .description("fold a recorded transitions file with evolve and compare each instance's fold with its log")
    .action(async (file: string) => {
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        throw usageError(
          `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
          'unreadable-file',
        );
      });
      const verdicts = replay(parseLines(text, file));
      for (const verdict of verdicts) {
        process.stdout.write(
          `${terminalText(
            verdict.ok
              ? `OK ${verdict.correlationId} records=${verdict.records} seq=${verdict.instance.seq} state=${verdict.instance.state} status=${verdict.instance.status}`
              : `MISMATCH ${verdict.correlationId} records=${verdict.records}: ${verdict.problem}`,
          )}\n`,
        );
      }
      const mismatches = verdicts.filter((verdict) => !verdict.ok).length;
      process.stdout.write(`${verdicts.length} instance(s), ${mismatches} mismatch(es)\n`);
      if (mismatches > 0)
        throw new CliError(`${mismatches} instance(s) do not replay`, 'replay-mismatch', EXIT.failed);
    });
}
