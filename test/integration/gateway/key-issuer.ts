// Plays the orchestrator's part in key creation for gateway tests: answers each key request on the commands topic
// with a new data key, wrapped by the test's KEK, on the keys topic (once per instance), and erases keys on demand
// with a tombstone. It keeps the plaintext keys so a test can decrypt what the gateway published.
import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { CommandEnvelope } from '../../../services/platform/codec/command-envelope';
import { KEY_REQUEST } from '../../../services/platform/codec/key-request';
import { DataKeys, FileKeyEncryptionKey } from '../../../services/platform/crypto';
import { createLogger } from '../../../services/platform/logging/logger';
import type { GatewayFixture } from './gateway-fixture';

export interface KeyIssuer {
  /** The plaintext data key issued for an instance. */
  keyOf(correlationId: string): Buffer | undefined;
  /** How many key requests for the instance were seen. */
  requestsFor(correlationId: string): number;
  /** Key requests for the instance go unanswered until `release`. */
  withhold(correlationId: string): void;
  release(correlationId: string): Promise<void>;
  /** Produces the instance's tombstone. */
  erase(correlationId: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startKeyIssuer(fixture: GatewayFixture, kekFile: string): Promise<KeyIssuer> {
  const keys = new DataKeys({
    kek: await FileKeyEncryptionKey.load(kekFile),
    table: { lookup: () => undefined },
    logger: createLogger('silent'),
    redisPrefix: fixture.ns.redisPrefix,
    topicPrefix: fixture.ns.prefix,
  });
  const issued = new Map<string, Buffer>();
  const requests = new Map<string, number>();
  const withheld = new Set<string>();
  const producer: Producer = fixture.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const send = (message: { key: Buffer; value: Buffer | null }) =>
    producer.send({ topic: fixture.topics.keys, acks: -1, messages: [message] });

  const issue = async (correlationId: string): Promise<void> => {
    if (issued.has(correlationId) || withheld.has(correlationId)) return;
    const { dataKey, message } = await keys.newDataKey(correlationId);
    issued.set(correlationId, dataKey);
    await send({ key: message.key as Buffer, value: message.value as Buffer });
  };

  const consumer = await readKeyRequests(fixture, async (correlationId) => {
    requests.set(correlationId, (requests.get(correlationId) ?? 0) + 1);
    await issue(correlationId);
  });

  return {
    keyOf: (correlationId) => issued.get(correlationId),
    requestsFor: (correlationId) => requests.get(correlationId) ?? 0,
    withhold: (correlationId) => void withheld.add(correlationId),
    release: async (correlationId) => {
      withheld.delete(correlationId);
      if ((requests.get(correlationId) ?? 0) > 0) await issue(correlationId);
    },
    erase: async (correlationId) => {
      const tombstone = keys.tombstone(correlationId);
      await send({ key: tombstone.key as Buffer, value: null });
    },
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

async function readKeyRequests(
  fixture: GatewayFixture,
  onRequest: (correlationId: string) => Promise<void>,
): Promise<Consumer> {
  const groupId = `${fixture.ns.groupId}-key-issuer-${randomUUID().slice(0, 8)}`;
  fixture.trackGroup(groupId);
  const consumer = fixture.kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: fixture.topics.commands, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const envelope = (await fixture.codec.decode('command', message.value)) as CommandEnvelope;
      if (envelope.type === KEY_REQUEST) await onRequest(envelope.correlationId);
    },
  });
  return consumer;
}
