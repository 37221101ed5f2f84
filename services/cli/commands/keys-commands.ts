// keys status and keys rotate: the data keys in <prefix>.keys by KEK id, and rotation to the current KEK.
// Rotation publishes one key-rewrap command per live key; the orchestrator owning its partition rewraps it with
// the first KEK of its file (skipping keys already on it, and erased ones), so the log is never touched.
import type { Command } from 'commander';
import { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { keyRewrapEnvelope } from '../../platform/codec/key-request';
import { KeyTable } from '../../platform/crypto';
import type { LogClient } from '../../platform/kafka/log-client';
import { topicNames } from '../../platform/kafka/topic-names';
import { createLogger } from '../../platform/logging/logger';
import { unavailable } from '../cli-error';
import { cliKafka, kafkaUnavailable, type KafkaConnection } from '../transitions/transitions-source';
import { kafkaConnectionOf, withKafka, type KafkaOptions } from './log-commands';

const KEYS_WORKFLOW = 'statewright.keys';
const SEND_CHUNK = 500;

interface KeysSummary {
  readonly byKek: Record<string, number>;
  readonly erased: number;
  readonly live: string[];
}

async function readKeys(log: LogClient, connection: KafkaConnection): Promise<KeysSummary> {
  const topic = topicNames(connection.prefix).keys;
  const table = await KeyTable.start({
    log,
    topic,
    logger: createLogger('silent', 'statewright-cli'),
    groupIdPrefix: 'statewright-cli-keys',
  }).catch((error: unknown) => {
    throw kafkaUnavailable(`could not read ${topic}`, connection.kafka, error);
  });
  try {
    await table.ready();
    const byKek: Record<string, number> = {};
    const live: string[] = [];
    let erased = 0;
    for (const [correlationId, entry] of table.entries()) {
      if (entry.kind === 'erased') {
        erased += 1;
        continue;
      }
      byKek[entry.kekId] = (byKek[entry.kekId] ?? 0) + 1;
      live.push(correlationId);
    }
    return { byKek, erased, live };
  } finally {
    await table.stop();
  }
}

export function addKeysCommands(program: Command): void {
  const keys = program.command('keys').description('per-instance data keys (crypto-shredding)');

  withKafka(keys.command('status'))
    .description('count the data keys by the KEK that wraps them, and the erased ones')
    .action(async (options: KafkaOptions) => {
      const connection = kafkaConnectionOf(options, process.env);
      const summary = await readKeys(cliKafka(connection.kafka), connection);
      const { live, ...counts } = summary;
      process.stdout.write(`${JSON.stringify({ ...counts, live: live.length }, null, 2)}\n`);
    });

  withKafka(keys.command('rotate'))
    .description('ask the orchestrators to rewrap every live data key with their current (first) KEK')
    .option('--actor <actor>', 'who asks', process.env.USER ?? 'cli')
    .action(async (options: KafkaOptions & { actor: string }) => {
      const connection = kafkaConnectionOf(options, process.env);
      const log = cliKafka(connection.kafka);
      const { live } = await readKeys(log, connection);
      const topics = topicNames(connection.prefix);
      const codec = await EnvelopeCodec.connect({ registryUrl: connection.registryUrl, topics }).catch(
        (error: unknown) => {
          throw unavailable(
            `the schema registry at ${connection.registryUrl} did not answer: ${String(error)}`,
          );
        },
      );
      const producer = log.producer({ idempotent: true, maxInFlightRequests: 1, ownerPartitioning: true });
      await producer.connect().catch((error: unknown) => {
        throw kafkaUnavailable(`could not write ${topics.commands}`, connection.kafka, error);
      });
      try {
        const now = Date.now();
        for (let start = 0; start < live.length; start += SEND_CHUNK) {
          const records = live.slice(start, start + SEND_CHUNK).map((correlationId) => ({
            key: correlationId,
            value: codec.encode(
              'command',
              keyRewrapEnvelope(correlationId, KEYS_WORKFLOW, options.actor, now),
            ),
          }));
          await producer.send(topics.commands, records);
          process.stderr.write(`asked for ${Math.min(start + SEND_CHUNK, live.length)}/${live.length}\n`);
        }
      } finally {
        await producer.disconnect();
      }
      process.stdout.write(`${JSON.stringify({ requested: live.length })}\n`);
    });
}
