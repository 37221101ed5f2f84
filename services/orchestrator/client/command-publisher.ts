// Publishes commands to <prefix>.commands, keyed by correlationId, each on its owner partition: for timers, tests
// and benchmarks.
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import type { Command } from '../../core';
import { toCommandEnvelope } from '../../platform/codec/command-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { TopicNames } from '../../platform/kafka/topic-names';
import { commandPartitioner } from '../../platform/kafka/command-partition';

export class CommandPublisher {
  private constructor(
    private readonly producer: Producer,
    private readonly codec: EnvelopeCodec,
    private readonly topic: string,
  ) {}

  /** An idempotent producer: retries never duplicate a record; the core dedupes repeated commands by commandId. */
  static async connect(kafka: Kafka, codec: EnvelopeCodec, topics: TopicNames): Promise<CommandPublisher> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: commandPartitioner,
    });
    await producer.connect();
    return new CommandPublisher(producer, codec, topics.commands);
  }

  async publish(command: Command, headers: IHeaders = {}): Promise<void> {
    await this.publishAll([command], headers);
  }

  async publishAll(commands: readonly Command[], headers: IHeaders = {}): Promise<void> {
    if (commands.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      messages: commands.map((command) => ({
        key: command.correlationId,
        value: this.codec.encode('command', toCommandEnvelope(command)),
        headers,
      })),
    });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
