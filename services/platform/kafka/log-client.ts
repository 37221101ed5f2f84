// The log statewright runs on, as one port: consumers, producers, transactional sinks and the admin client.
// Services receive a LogClient from their composition root; createKafka (kafka-client.ts) builds the kafkajs one,
// and another client would be one more adapter of this interface.
import type { Logger } from '../logging/logger';
import type { LogAdmin } from './log-admin';
import type { ConsumerSettings, LogConsumer } from './log-consumer';
import type { LogProducer, ProducerSettings, TransactionalSink } from './log-producer';

export interface LogClient {
  consumer(settings: ConsumerSettings): LogConsumer;
  producer(settings: ProducerSettings): LogProducer;
  /** A transactional writer with this id; its warnings (a rebuilt producer) go to `logger`. */
  transactionalSink(transactionalId: string, logger: Logger): TransactionalSink;
  admin(): LogAdmin;
}
