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
  private closed = false;
  private producer: Producer;
  /** Settles once the current producer has connected (or failed to); sends wait for it. */
  private ready: Promise<void> = Promise.resolve();

  constructor(private readonly create: () => Producer) {
    this.producer = this.watched(create());
  }

  connect(): Promise<void> {
    this.closed = false;
    return this.producer.connect();
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.ready;
    await this.producer.disconnect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  async send(topic: string, records: readonly ProducedRecord[]): Promise<void> {
    await this.ready;
    const producer = this.producer;
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
    const next = this.watched(this.create());
    this.producer = next;
    this.ready = broken
      .disconnect()
      .catch(() => undefined)
      .then(() => (this.closed ? undefined : next.connect()))
      .catch(() => undefined);
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
