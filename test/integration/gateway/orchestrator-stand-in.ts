// Plays the orchestrator's part for gateway tests: consumes commands, decides them with the pure core's `handle`
// and produces the resulting log records to the transitions topic. No transactions, no tasks, no decryption (key
// commands are left to the test; encrypted fields are folded as the tokens they are): just enough to give
// commands outcomes.
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { EMPTY_ENVIRONMENT, type Instance } from '../../../services/core';
import { fromCommandEnvelope, type CommandEnvelope } from '../../../services/platform/codec/command-envelope';
import { isKeyCommand } from '../../../services/platform/codec/key-request';
import { exampleRegistry } from '../../harness/examples';
import type { GatewayFixture } from './gateway-fixture';
import { decideRaw } from '../../harness/decide-raw';

export interface StandIn {
  stop(): Promise<void>;
}

export async function startOrchestratorStandIn(fixture: GatewayFixture): Promise<StandIn> {
  const registry = exampleRegistry();
  const instances = new Map<string, Instance>();
  const groupId = `${fixture.ns.groupId}-standin-${randomUUID().slice(0, 8)}`;
  fixture.trackGroup(groupId);
  const consumer: Consumer = fixture.kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: fixture.topics.commands, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const envelope = (await fixture.codec.decode('command', message.value)) as CommandEnvelope;
      if (isKeyCommand(envelope.type)) return;
      const shape = fromCommandEnvelope(envelope);
      if (!shape.ok) throw new Error(shape.message);
      const before = instances.get(envelope.correlationId);
      const step = decideRaw(registry, before, shape.command, Date.now(), EMPTY_ENVIRONMENT);
      if (step.instance !== undefined) instances.set(envelope.correlationId, step.instance);
      await fixture.produceRecords(step.records);
    },
  });
  return { stop: () => consumer.disconnect() };
}
