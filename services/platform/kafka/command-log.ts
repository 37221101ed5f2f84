// The one way statewright's components write commands: Avro Command envelopes to <prefix>.commands, each on
// the owner partition of its correlation id, through an idempotent producer (producer retries never duplicate
// a record; the core dedupes repeated commands by id). Resolves once the broker acknowledged (acks = all).
import type { Command } from '../../core';
import { toCommandEnvelope, type CommandEnvelope } from '../codec/command-envelope';
import type { EnvelopeCodec } from '../codec/envelope-codec';
import type { LogClient } from './log-client';
import type { LogProducer } from './log-producer';
import type { RecordHeaders } from './records';

/** Marks a command written to every partition: it is decided where it lies, never forwarded. */
export const PARTITION_COMMAND_HEADER = 'statewright-partition-command';

export class CommandLog {
  private constructor(
    private readonly producer: LogProducer,
    private readonly codec: EnvelopeCodec,
    private readonly topic: string,
  ) {}

  static async connect(log: LogClient, codec: EnvelopeCodec, topic: string): Promise<CommandLog> {
    const producer = log.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      ownerPartitioning: true,
    });
    await producer.connect();
    return new CommandLog(producer, codec, topic);
  }

  isConnected(): boolean {
    return this.producer.isConnected();
  }

  publish(command: Command, headers: RecordHeaders = {}): Promise<void> {
    return this.publishAll([command], headers);
  }

  async publishAll(commands: readonly Command[], headers: RecordHeaders = {}): Promise<void> {
    await this.send(commands.map(toCommandEnvelope), headers);
  }

  /**
   * A partition command (health, circuit settings) to every commands partition, with the same command id, marked
   * so that no orchestrator forwards it to the key's owner: each partition decides and logs its own copy.
   */
  async publishToEveryPartition(command: Command, partitions: number): Promise<void> {
    const envelope = toCommandEnvelope(command);
    const value = this.codec.encode('command', envelope);
    const headers = { [PARTITION_COMMAND_HEADER]: '1' };
    const records = Array.from({ length: partitions }, (_, partition) => ({
      key: envelope.correlationId,
      value,
      headers,
      partition,
    }));
    await this.producer.send(this.topic, records);
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
    await this.producer.send(
      this.topic,
      envelopes.map((envelope) => ({
        key: envelope.correlationId,
        value: this.codec.encode('command', envelope),
        headers: { ...headers },
      })),
    );
  }
}
