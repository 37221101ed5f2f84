// The recorded history of a deployment, read from its topics: the commands each partition consumed (decoded and
// parsed as the orchestrator does; undecodable ones were dead-lettered and are left out, and so are copies on a
// partition that forwarded them to their owner) paired with the records of the same partition's transitions.
import { isPartitionCommand, parseCommand, type Command, type LogRecord } from '../../core';
import { pairRecords, type RecordedCommand } from '../../core/evolution';
import { UndecodableError, UnknownSchemaError } from '../../platform/codec/codec-error';
import { fromCommandEnvelope } from '../../platform/codec/command-envelope';
import { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { fromTransitionEnvelope } from '../../platform/codec/transition-envelope';
import { commandPartition } from '../../platform/kafka/command-partition';
import type { ConsumedRecord } from '../../platform/kafka/records';
import { topicNames } from '../../platform/kafka/topic-names';
import { TopicReadError } from '../../platform/kafka/topic-reader-error';
import { readTopics } from '../../platform/kafka/topic-snapshot';
import { createLogger } from '../../platform/logging/logger';
import { unavailable } from '../cli-error';
import type { KafkaConnection } from '../transitions/transitions-source';

export interface TopicHistory {
  readonly history: RecordedCommand[];
  /** Records no consumed command accounts for (a log whose commands were deleted by retention). */
  readonly unpaired: number;
}

export async function readHistory(connection: KafkaConnection): Promise<TopicHistory> {
  const topics = topicNames(connection.prefix);
  const codec = await EnvelopeCodec.connect({ registryUrl: connection.registryUrl, topics }).catch(
    (error: unknown) => {
      throw unavailable(`the schema registry at ${connection.registryUrl} did not answer: ${String(error)}`);
    },
  );
  const [commands, transitions] = await readTopics(
    connection.kafka,
    createLogger('silent', 'statewright-cli'),
    [topics.commands, topics.transitions],
  ).catch((error: unknown) => {
    if (error instanceof TopicReadError)
      throw unavailable(
        `Kafka at ${connection.kafka.brokers.join(',')}: ${error.message}`,
        'kafka-unavailable',
      );
    throw error;
  });
  const history: RecordedCommand[] = [];
  let unpaired = 0;
  for (const [partition, records] of commands!.records) {
    const consumed = await ownedCommands(codec, partition, commands!.partitions, records);
    const log = await logOf(codec, transitions!.records.get(partition) ?? []);
    const paired = pairRecords(consumed, log);
    history.push(...paired.history);
    unpaired += paired.unpaired.length;
  }
  return { history, unpaired };
}

async function ownedCommands(
  codec: EnvelopeCodec,
  partition: number,
  partitions: number,
  records: readonly ConsumedRecord[],
): Promise<Command[]> {
  const commands: Command[] = [];
  for (const record of records) {
    const command = await decodeCommand(codec, record);
    if (command !== null && commandPartition(command.correlationId, partitions) === partition)
      commands.push(command);
  }
  return commands;
}

/** The command of a record, or null for one the orchestrator dead-lettered (it left no record to compare). */
async function decodeCommand(codec: EnvelopeCodec, record: ConsumedRecord): Promise<Command | null> {
  try {
    const shape = fromCommandEnvelope(await codec.decode('command', record.value));
    if (!shape.ok) return null;
    const parsed = parseCommand(shape.command);
    // Partition commands (health, circuits) concern no instance: there is nothing of theirs to compare.
    return parsed.ok && !isPartitionCommand(parsed.command) ? parsed.command : null;
  } catch (error) {
    if (error instanceof UndecodableError || error instanceof UnknownSchemaError) return null;
    throw error;
  }
}

async function logOf(codec: EnvelopeCodec, records: readonly ConsumedRecord[]): Promise<LogRecord[]> {
  const log: LogRecord[] = [];
  for (const record of records) {
    const envelope = await codec.decode('transition', record.value);
    if (envelope.kind !== 'health') log.push(fromTransitionEnvelope(envelope));
  }
  return log;
}
