// The plain producer port over a kafkajs Producer: sends with acks = all, and the connection state kafkajs
// reports through its CONNECT and DISCONNECT events. A send that fails because the broker lost this idempotent
// producer's sequence numbers (kafka-failure.ts, isSequenceLost) still fails, and the producer is replaced by a new
// one, with a new producer id, so that the caller's next send can succeed.
import type { Producer } from 'kafkajs';
import { isSequenceLost } from './kafka-failure';
import type { LogProducer } from './log-producer';
import type { ProducedRecord } from './records';

export class KafkajsProducer implements LogProducer {
  private connected = false;
  private producer: Producer;
  /** A producer put in place of one that failed, not connected yet: the next send connects it first. */
  private unconnected: Producer | undefined;
  private connecting: Promise<void> | undefined;
  /** The disconnect of the producer replaced last. */
  private retiring: Promise<void> = Promise.resolve();

  constructor(private readonly create: () => Producer) {
    this.producer = this.watched(create());
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.retiring;
    await this.connecting?.catch(() => undefined);
    await this.producer.disconnect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  async send(topic: string, records: readonly ProducedRecord[]): Promise<void> {
    const producer = this.producer;
    if (this.unconnected === producer) {
      // A failed connect fails this send; the next one tries again.
      this.connecting ??= this.retiring
        .then(() => producer.connect())
        .finally(() => {
          this.connecting = undefined;
        });
      await this.connecting;
      if (this.unconnected === producer) this.unconnected = undefined;
    }
    try {
      await producer.send({ topic, acks: -1, messages: [...records] });
    } catch (error) {
      if (isSequenceLost(error)) this.replace(producer);
      throw error;
    }
  }

  /** A new producer in place of `broken` (once, whatever the number of sends that failed on it). */
  private replace(broken: Producer): void {
    if (this.producer !== broken) return;
    this.producer = this.watched(this.create());
    this.unconnected = this.producer;
    this.retiring = broken.disconnect().catch(() => undefined);
  }

  private watched(producer: Producer): Producer {
    producer.on(producer.events.CONNECT, () => {
      if (this.producer === producer) this.connected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (this.producer === producer) this.connected = false;
    });
    return producer;
  }
}
