// Builds kafkajs clients from configuration, with a short initial retry (kafkajs #304) and logs routed to pino.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaSettings } from '../config/connection-settings';
import type { Logger } from '../logging/logger';
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

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
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
