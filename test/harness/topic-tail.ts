// Follows a topic from its beginning with a throw-away group (read_committed) and keeps every message it saw,
// so tests can wait for a record to appear and count what was produced.
import { readerGroupId } from './namespace';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { eventually } from './eventually';

export interface Tailed<T> {
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly value: T;
}

export class TopicTail<T> {
  readonly seen: Tailed<T>[] = [];
  private readonly listeners = new Set<(entry: Tailed<T>) => Promise<void>>();

  private constructor(private readonly consumer: Consumer) {}

  static async start<T>(
    kafka: Kafka,
    topic: string,
    decode: (message: KafkaMessage) => Promise<T>,
  ): Promise<TopicTail<T>> {
    const consumer = kafka.consumer({
      groupId: readerGroupId('tail'),
      readUncommitted: false,
      maxWaitTimeInMs: 100,
    });
    const tail = new TopicTail<T>(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const entry = { partition, message, value: await decode(message) };
          tail.seen.push(entry);
          for (const listener of tail.listeners) await listener(entry);
        },
      });
    } catch (error) {
      await consumer.disconnect();
      throw error;
    }
    return tail;
  }

  /** Called for every message from now on (earlier ones are in `seen`). */
  onMessage(listener: (entry: Tailed<T>) => Promise<void>): void {
    this.listeners.add(listener);
  }

  values(): T[] {
    return this.seen.map((entry) => entry.value);
  }

  async waitFor(what: string, predicate: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    return eventually(what, () => this.seen.find((entry) => predicate(entry.value))?.value, { timeoutMs });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
