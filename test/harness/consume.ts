// Reads a topic from the beginning until a predicate over everything read so far holds, or fails
// after a bounded time. The consumer uses a throwaway group and is always disconnected.
import { readerGroupId } from './namespace';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface ConsumeOptions {
  timeoutMs?: number;
  readUncommitted?: boolean;
}

export async function consumeUntil(
  kafka: Kafka,
  topic: string,
  done: (messages: KafkaMessage[]) => boolean,
  { timeoutMs = 30_000, readUncommitted = false }: ConsumeOptions = {},
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: readerGroupId('reader'), readUncommitted });
  const messages: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`timed out after ${timeoutMs} ms reading ${topic}; read ${messages.length} messages`),
          ),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            messages.push(message);
            if (done(messages)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
