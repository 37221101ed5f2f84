// The plain producer port over a kafkajs Producer: sends with acks = all, and the connection state kafkajs
// reports through its CONNECT and DISCONNECT events.
import type { Producer } from 'kafkajs';
import type { LogProducer } from './log-producer';
import type { ProducedRecord } from './records';

export class KafkajsProducer implements LogProducer {
  private connected = false;

  constructor(private readonly producer: Producer) {
    producer.on(producer.events.CONNECT, () => {
      this.connected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  async send(topic: string, records: readonly ProducedRecord[]): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [...records] });
  }
}
