// The one way statewright's components write commands: Avro Command envelopes to <prefix>.commands, each on
// the owner partition of its correlation id, through an idempotent producer (producer retries never duplicate
// a record; the core dedupes repeated commands by id). Resolves once the broker acknowledged (acks = all).
import type { Kafka, Producer } from 'kafkajs';
import type { Command } from '../../core';
import { toCommandEnvelope, type CommandEnvelope } from '../codec/command-envelope';
import type { EnvelopeCodec } from '../codec/envelope-codec';
import { commandPartitioner } from './command-partition';
import type { RecordHeaders } from './records';

export class CommandLog {
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

  static async connect(kafka: Kafka, codec: EnvelopeCodec, topic: string): Promise<CommandLog> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: commandPartitioner,
    });
    const log = new CommandLog(producer, codec, topic);
    await producer.connect();
    return log;
  }

  isConnected(): boolean {
    return this.connected;
  }

  publish(command: Command, headers: RecordHeaders = {}): Promise<void> {
    return this.publishAll([command], headers);
  }

  async publishAll(commands: readonly Command[], headers: RecordHeaders = {}): Promise<void> {
    await this.send(commands.map(toCommandEnvelope), headers);
  }

  /** An envelope that is no core command of its own making (a key request), written like the others. */
  publishEnvelope(envelope: CommandEnvelope, headers: RecordHeaders = {}): Promise<void> {
    return this.send([envelope], headers);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private async send(envelopes: readonly CommandEnvelope[], headers: RecordHeaders): Promise<void> {
    if (envelopes.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: envelopes.map((envelope) => ({
        key: envelope.correlationId,
        value: this.codec.encode('command', envelope),
        headers: { ...headers },
      })),
    });
  }
}
