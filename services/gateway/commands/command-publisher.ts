// Publishes commands as Avro Command envelopes to <prefix>.commands, keyed by correlationId, through an
// idempotent producer (acks from all in-sync replicas; broker-side deduplication of producer retries).
import type { Kafka, Producer } from 'kafkajs';
import type { Command } from '../../core';
import { toCommandEnvelope, type CommandEnvelope } from '../../platform/codec/command-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { commandPartitioner } from '../../platform/kafka/command-partition';
import { PublishError } from './publish-error';

export class CommandPublisher {
  private connected = false;

  private constructor(
    private readonly producer: Producer,
    private readonly codec: EnvelopeCodec,
    private readonly topic: string,
  ) {
    producer.on(producer.events.CONNECT, () => {
      this.connected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  static async connect(kafka: Kafka, codec: EnvelopeCodec, topic: string): Promise<CommandPublisher> {
    // Every command goes to the owner partition of its correlation id (see platform/kafka/command-partition).
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: commandPartitioner,
    });
    const publisher = new CommandPublisher(producer, codec, topic);
    await producer.connect();
    return publisher;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once the broker acknowledged the command; throws PublishError otherwise. */
  publish(command: Command, headers: Readonly<Record<string, string>> = {}): Promise<void> {
    return this.publishEnvelope(toCommandEnvelope(command), headers);
  }

  /** An envelope that is no core command (a key request); acknowledged or PublishError, like `publish`. */
  async publishEnvelope(
    envelope: CommandEnvelope,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const value = this.codec.encode('command', envelope);
    try {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key: envelope.correlationId, value, headers: { ...headers } }],
      });
    } catch (error) {
      throw new PublishError(envelope.commandId, error);
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
