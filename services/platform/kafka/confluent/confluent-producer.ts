// The plain producer port over a confluent (librdkafka) producer: acks = all is set when the producer is
// created (its KafkaJS layer takes no acks per send).
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { LogProducer } from '../log-producer';
import type { ProducedRecord } from '../records';

export class ConfluentProducer implements LogProducer {
  private connected = false;

  constructor(private readonly producer: KafkaJS.Producer) {}

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  async send(topic: string, records: readonly ProducedRecord[]): Promise<void> {
    await this.producer.send({ topic, messages: [...records] });
  }
}
