// The confluent (@confluentinc/kafka-javascript, librdkafka) adapter of the LogClient port, chosen with
// STATEWRIGHT_KAFKA_CLIENT=confluent. Its transactions send offsets with the consumer's group metadata, so the
// client keeps the running consumer of each group. Owner partitioning is librdkafka's murmur2_random partitioner:
// a keyed record goes where Java's murmur2 (commandPartition) puts it. The admin is the one handed in (kafkajs'),
// because this client's admin lacks describeConfigs, alterConfigs and waitForLeaders, which provisioning uses.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { KafkaSettings } from '../../config/connection-settings';
import type { Logger } from '../../logging/logger';
import type { LogAdmin } from '../log-admin';
import type { LogClient } from '../log-client';
import { ConfluentConsumer } from './confluent-consumer';
import { confluentKafkaJS } from './confluent-module';
import { ConfluentProducer } from './confluent-producer';
import { ConfluentTransactionalProducer } from './confluent-transactional-producer';

/** The running consumers per group, newest last. */
class GroupRegistry {
  private readonly groups = new Map<string, KafkaJS.Consumer[]>();

  add(groupId: string, consumer: KafkaJS.Consumer): void {
    this.groups.set(groupId, [...(this.groups.get(groupId) ?? []), consumer]);
  }

  remove(groupId: string, consumer: KafkaJS.Consumer): void {
    const left = (this.groups.get(groupId) ?? []).filter((entry) => entry !== consumer);
    if (left.length === 0) this.groups.delete(groupId);
    else this.groups.set(groupId, left);
  }

  consumerOf(groupId: string): KafkaJS.Consumer | undefined {
    return this.groups.get(groupId)?.at(-1);
  }
}

function kafkaOf(module: ReturnType<typeof confluentKafkaJS>, settings: KafkaSettings, logger: Logger) {
  const sasl = settings.sasl;
  return new module.Kafka({
    kafkaJS: {
      clientId: settings.clientId,
      brokers: [...settings.brokers],
      ssl: settings.tls,
      ...(sasl === undefined
        ? {}
        : { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } }),
      logLevel: module.logLevel.WARN,
      logger: loggerOf(module, logger),
    },
    ...(settings.tls && settings.tlsCaFile !== undefined ? { 'ssl.ca.location': settings.tlsCaFile } : {}),
  } as KafkaJS.CommonConstructorConfig);
}

/** The client's log lines as pino lines under the `confluent-kafka` component. */
function loggerOf(module: ReturnType<typeof confluentKafkaJS>, logger: Logger): KafkaJS.Logger {
  const child = logger.child({ component: 'confluent-kafka' });
  let level = module.logLevel.WARN;
  const line =
    (method: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, extra?: object): void =>
      child[method]({ ...extra }, message);
  return {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    namespace: () => loggerOf(module, logger),
    setLogLevel: (next: KafkaJS.logLevel) => {
      level = next;
    },
    logLevel: () => level,
  } as unknown as KafkaJS.Logger;
}

export function confluentLogClient(
  settings: KafkaSettings,
  logger: Logger,
  admin: () => LogAdmin,
): LogClient {
  const module = confluentKafkaJS();
  const kafka = kafkaOf(module, settings, logger);
  const groups = new GroupRegistry();
  return {
    consumer: (consumerSettings) => new ConfluentConsumer(kafka, module, consumerSettings, groups),
    producer: ({ idempotent, maxInFlightRequests, allowAutoTopicCreation, ownerPartitioning }) =>
      new ConfluentProducer(
        kafka.producer({
          kafkaJS: {
            idempotent,
            acks: -1,
            ...(maxInFlightRequests === undefined ? {} : { maxInFlightRequests }),
            ...(allowAutoTopicCreation === undefined ? {} : { allowAutoTopicCreation }),
          },
          // Unkeyed records without a partition go to a random one here (to 0 with kafkajs' commandPartitioner).
          ...(ownerPartitioning === true ? { partitioner: 'murmur2_random' } : {}),
        }),
      ),
    transactionalSink: (transactionalId, sinkLogger) =>
      new ConfluentTransactionalProducer(
        kafka,
        (groupId) => groups.consumerOf(groupId),
        transactionalId,
        sinkLogger,
      ),
    admin,
  };
}
