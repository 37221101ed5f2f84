// dlq list | show | replay: the dead letters by reason, time and workflow, one in full, and chosen ones sent
// back to the commands topic after a fix. A replay sends the original record, so a command that applies is
// applied once however often it is replayed (the core dedupes by command id); each replay is audited.
import type { Command } from 'commander';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { usageError } from '../cli-error';
import { terminalText } from '../terminal-text';
import { TopicSource, type DeadLetterAt } from '../transitions/transitions-source';
import { kafkaConnectionOf, withKafka, type KafkaOptions } from './log-commands';

/** Headers a replayed record carries besides its own: where it came from and who sent it back. */
export const REPLAY_OF = 'statewright-replay-of';
export const REPLAYED_BY = 'statewright-replayed-by';

interface Filters {
  readonly reason?: string;
  readonly workflow?: string;
  readonly since?: string;
}

interface Listed extends DeadLetterAt {
  /** The workflow of the original command, when its bytes decode. */
  readonly workflow: string | null;
}

export function addDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('dead letters: list, show one, replay chosen ones');
  const withFilters = (command: Command) =>
    withKafka(command)
      .option('--reason <code>', 'only this code (undecodable, unknown-workflow, invalid-payload, …)')
      .option('--workflow <name>', 'only commands of this workflow')
      .option('--since <time>', 'only letters of commands sent at or after this ISO time or epoch ms');

  withFilters(dlq.command('list'))
    .description('dead letters, oldest first: position, time, code, key, workflow, reason')
    .option('--json', 'one JSON object per line')
    .action(async (options: KafkaOptions & Filters & { json?: boolean }) => {
      for (const entry of await letters(options)) {
        process.stdout.write(`${options.json ? JSON.stringify(summary(entry)) : humanLine(entry)}\n`);
      }
    });

  withKafka(dlq.command('show <position>'))
    .description('one dead letter in full (position: partition/offset, as list prints it)')
    .action(async (position: string, options: KafkaOptions) => {
      const found = (await letters(options)).find((entry) => entry.at === position);
      if (found === undefined) throw usageError(`no dead letter at ${position}`, 'unknown-dead-letter');
      const { letter } = found;
      process.stdout.write(
        `${JSON.stringify(
          {
            ...summary(found),
            headers: letter.headers.map(({ key, value }) => ({
              key,
              value: value?.toString('utf8') ?? null,
            })),
            value: letter.value?.toString('base64') ?? null,
          },
          null,
          2,
        )}\n`,
      );
    });

  withFilters(dlq.command('replay [positions...]'))
    .description('send dead letters back to the commands topic (by position, or all that match the filters)')
    .option('--actor <actor>', 'who replays, recorded in the audit trail', process.env.USER ?? 'cli')
    .action(async (positions: string[], options: KafkaOptions & Filters & { actor: string }) => {
      if (positions.length === 0 && options.reason === undefined && options.workflow === undefined) {
        throw usageError('name the positions to replay, or filter with --reason or --workflow');
      }
      const source = await TopicSource.deadLetters(kafkaConnectionOf(options, process.env));
      const all = await listed(source, options);
      const chosen = positions.length === 0 ? all : all.filter((entry) => positions.includes(entry.at));
      const missing = positions.filter((position) => !chosen.some((entry) => entry.at === position));
      if (missing.length > 0)
        throw usageError(`no dead letter at ${missing.join(', ')}`, 'unknown-dead-letter');
      await replay(source, chosen, options.actor);
      process.stdout.write(`${JSON.stringify({ replayed: chosen.map((entry) => entry.at) })}\n`);
    });
}

async function letters(options: KafkaOptions & Filters): Promise<Listed[]> {
  return listed(await TopicSource.deadLetters(kafkaConnectionOf(options, process.env)), options);
}

async function listed(source: TopicSource<DeadLetterAt>, filters: Filters): Promise<Listed[]> {
  const since = filters.since === undefined ? undefined : timeOf(filters.since);
  const read: DeadLetterAt[] = [];
  await source.readToEnd((entry) => read.push(entry));
  const entries = await Promise.all(
    read.map(async (entry) => ({ ...entry, workflow: await workflowOf(source.codec, entry) })),
  );
  return entries.filter(
    (entry) =>
      (filters.reason === undefined || entry.letter.code === filters.reason) &&
      (filters.workflow === undefined || entry.workflow === filters.workflow) &&
      (since === undefined || entry.letter.timestamp >= since),
  );
}

/** Sends the originals back, keyed as they were, each on its owner partition, with an audit record each. */
async function replay(
  source: TopicSource<DeadLetterAt>,
  chosen: readonly Listed[],
  actor: string,
): Promise<void> {
  if (chosen.length === 0) return;
  const producer = source.client().producer({ idempotent: true, ownerPartitioning: true });
  await producer.connect();
  try {
    const now = Date.now();
    const commands = chosen.map(({ at, letter }) => ({
      key: letter.key,
      value: letter.value,
      headers: {
        ...Object.fromEntries(letter.headers.map(({ key, value }) => [key, value ?? undefined])),
        [REPLAY_OF]: `dlq/${at}`,
        [REPLAYED_BY]: actor,
      },
    }));
    const audits = chosen.map((entry) => ({
      key: entry.letter.key,
      value: source.codec.encode('audit', auditOf(entry, actor, now)),
    }));
    await producer.send(source.topics.commands, commands);
    await producer.send(source.topics.audit, audits);
  } finally {
    await producer.disconnect();
  }
}

function auditOf({ at, letter, workflow }: Listed, actor: string, now: number): AuditEnvelope {
  const before = { code: letter.code, reason: letter.reason, topic: letter.topic, offset: letter.offset };
  return {
    auditId: `dlq-replay:${at}:${now}`,
    at: now,
    issuedAt: now,
    actor,
    action: 'dlq-replay',
    workflow: workflow ?? '',
    target: letter.key?.toString('utf8') ?? '',
    before: JSON.stringify(before),
    after: JSON.stringify({ replayedTo: 'commands' }),
    commandTopic: letter.topic,
    commandPartition: letter.partition,
    commandOffset: letter.offset,
  };
}

async function workflowOf(codec: EnvelopeCodec, { letter }: DeadLetterAt): Promise<string | null> {
  try {
    return (await codec.decode('command', letter.value)).workflow;
  } catch {
    // Undecodable bytes name no workflow: they are listed without one.
    return null;
  }
}

function summary({ at, letter, workflow }: Listed) {
  return {
    at,
    time: new Date(letter.timestamp).toISOString(),
    code: letter.code,
    reason: letter.reason,
    key: letter.key?.toString('utf8') ?? null,
    workflow,
    origin: `${letter.topic}/${letter.partition}/${letter.offset}`,
  };
}

const humanLine = (entry: Listed): string => {
  const s = summary(entry);
  return terminalText(`${s.at}\t${s.time}\t${s.code}\t${s.key ?? '-'}\t${s.workflow ?? '-'}\t${s.reason}`);
};

function timeOf(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(value)) throw usageError(`--since ${text} is neither an ISO time nor epoch ms`);
  return value;
}
