// tail, record, replay: the transitions log seen live, written to a file, and re-folded from one.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../../platform/config/config-error';
import {
  connectionEnv,
  connectionsOf,
  logLevelEnv,
  parseEnv,
} from '../../platform/config/connection-settings';
import { CliError, usageError } from '../cli-error';
import { EXIT } from '../exit-codes';
import { terminalText } from '../terminal-text';
import { replay } from '../transitions/replay';
import { formatLine, parseLines, type RecordedLine } from '../transitions/transitions-file';
import { TopicSource, type KafkaConnection } from '../transitions/transitions-source';

/** The options of the Kafka commands; each one given wins over its environment variable. */
export interface KafkaOptions {
  readonly brokers?: string;
  readonly registry?: string;
  readonly prefix?: string;
}

const LOCAL_BROKERS = '127.0.0.1:19092';
const LOCAL_REGISTRY = 'http://127.0.0.1:18081/apis/ccompat/v7';

/**
 * The variables every service reads, validated as the services validate them, defaulting to the local plain
 * stack. The CLI never talks to Redis; REDIS_URL defaults only so that the services' environment parses whole.
 */
const cliEnv = z.object({
  ...connectionEnv,
  KAFKA_BROKERS: connectionEnv.KAFKA_BROKERS.default(LOCAL_BROKERS),
  SCHEMA_REGISTRY_URL: connectionEnv.SCHEMA_REGISTRY_URL.default(LOCAL_REGISTRY),
  REDIS_URL: connectionEnv.REDIS_URL.default('redis://127.0.0.1:16379'),
  ...logLevelEnv,
});

/**
 * Where a Kafka command connects: the services' connection settings of `env` (KAFKA_BROKERS, KAFKA_TLS,
 * KAFKA_TLS_CA_FILE, KAFKA_SASL_*, SCHEMA_REGISTRY_URL, STATEWRIGHT_PREFIX), with --brokers, --registry and
 * --prefix in place of their variables when given. An invalid environment is a usage error naming each problem.
 */
export function kafkaConnectionOf(
  options: KafkaOptions,
  env: Readonly<Record<string, string | undefined>>,
): KafkaConnection {
  const given = {
    KAFKA_BROKERS: options.brokers,
    SCHEMA_REGISTRY_URL: options.registry,
    STATEWRIGHT_PREFIX: options.prefix,
  };
  const overrides = Object.entries(given).filter(([, value]) => value !== undefined);
  try {
    const connections = connectionsOf(
      parseEnv(cliEnv, { ...env, ...Object.fromEntries(overrides) }),
      'statewright-cli',
    );
    return {
      kafka: connections.kafka,
      registryUrl: connections.schemaRegistryUrl,
      prefix: connections.topicPrefix,
    };
  } catch (error) {
    if (error instanceof ConfigError) throw usageError(error.message, error.code);
    throw error;
  }
}

/** The options of a command that reads Kafka; TLS and SASL come from the environment only, as for the services. */
export function withKafka(command: Command): Command {
  return command
    .option('--brokers <list>', `Kafka bootstrap servers (env KAFKA_BROKERS, else ${LOCAL_BROKERS})`)
    .option('--registry <url>', `schema registry URL (env SCHEMA_REGISTRY_URL, else ${LOCAL_REGISTRY})`)
    .option('--prefix <prefix>', 'topic prefix (env STATEWRIGHT_PREFIX, else statewright)')
    .addHelpText(
      'after',
      '\nKafka security comes from the variables the services read: KAFKA_TLS, KAFKA_TLS_CA_FILE,\n' +
        'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_CLIENT_ID.',
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
      const source = await TopicSource.transitions(kafkaConnectionOf(options, process.env));
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
      const source = await TopicSource.transitions(kafkaConnectionOf(options, process.env));
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
