// The kafkajs adapter of the LogClient port: built from configuration, with a short initial retry (kafkajs #304)
// and logs routed to pino. This folder is the only place that knows kafkajs; confluent/ holds the other client.
import { readFileSync } from 'node:fs';
import './kafkajs-replacements';
import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaSettings } from '../config/connection-settings';
import type { Logger } from '../logging/logger';
import { commandPartitioner } from './command-partition';
import { confluentLogClient } from './confluent/confluent-client';
import { KafkajsConsumer } from './kafkajs-consumer';
import { KafkajsProducer } from './kafkajs-producer';
import type { LogClient } from './log-client';
import { TransactionalProducer } from './transactional-producer';
import './request-queue-idle';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs log entries as pino lines under the `kafkajs` component. */
function logCreator(logger: Logger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      child[LEVELS[level] ?? 'info']({ namespace, ...extra }, message);
    };
}

function saslOf(settings: KafkaSettings): SASLOptions | undefined {
  const sasl = settings.sasl;
  if (sasl === undefined) return undefined;
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}

/** The LogClient of `settings.client`; the confluent one keeps kafkajs' admin (see confluent/confluent-client.ts). */
export function createKafka(settings: KafkaSettings, logger: Logger): LogClient {
  const kafka = kafkajsClient(settings, logger);
  if (settings.client === 'confluent') return confluentLogClient(settings, logger, () => kafka.admin());
  return kafkajsLogClient(kafka);
}

/** The kafkajs client itself, for the adapters of this folder that need more of it than the port offers. */
export function kafkajsClient(settings: KafkaSettings, logger: Logger): Kafka {
  const ssl = settings.tls
    ? settings.tlsCaFile === undefined
      ? true
      : { ca: [readFileSync(settings.tlsCaFile, 'utf8')] }
    : undefined;
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ssl,
    sasl: saslOf(settings),
    retry: { initialRetryTime: 25, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: logCreator(logger),
  });
}

/** A kafkajs client as the LogClient port: what createKafka returns, and how a test's own client is handed in. */
export function kafkajsLogClient(kafka: Kafka): LogClient {
  return {
    consumer: (settings) => new KafkajsConsumer(kafka, { ...settings }),
    producer: ({ ownerPartitioning, ...settings }) =>
      new KafkajsProducer(() =>
        kafka.producer({
          ...settings,
          ...(ownerPartitioning === true ? { createPartitioner: commandPartitioner } : {}),
        }),
      ),
    transactionalSink: (transactionalId, logger) => new TransactionalProducer(kafka, transactionalId, logger),
    admin: () => kafka.admin(),
  };
}
