// kafkajs 2.2.4 sends a batch of records (one or more topics) as one produce request per leader broker and retries
// the whole batch on a retriable error. It keeps each broker's answer, so that a retry does not send again to a
// broker that answered, but it maps the partitions to their leaders anew at each attempt: a partition whose leader
// answered and then lost its leadership (a broker killed right after it answered) is sent again to its new leader,
// with the sequence numbers that follow the first send, so the broker takes the records for new ones. The batch is
// then written twice in one transaction, and both copies commit: seen as a block of transitions written twice
// when a broker of a three-broker cluster was killed.
//
// It also retries as soon as one broker's request fails, while another's may still be in flight: that one is
// answered too, and the retry, which had already picked its partitions, sends them again after it.
//
// This implementation keeps the answers per partition instead, lets every request of an attempt settle before
// the next, and sends only the partitions no broker has answered for, with the sequence numbers of their first
// send, which a broker that did append them recognises as duplicates. The records are assigned to partitions
// once, at the first attempt, so a record without a key cannot move to another partition between attempts.
// kafkajs' producer reads this function once, when its message producer module loads, so this module replaces it
// in Node's module cache first, as aborted-transactions-filter.ts does for the read-committed filter; the test
// runner maps kafkajs' module to this function instead (jest.config.js). It also groups the records by partition in
// one pass, where kafkajs' groupMessagesPerPartition copies a partition's list at each record it adds.
//
// A transaction that begins just after the previous one committed finds its coordinator still writing the previous
// one's markers: the first AddPartitionsToTxn is answered CONCURRENT_TRANSACTIONS for a few milliseconds. kafkajs
// fails the whole attempt then, refreshes the metadata and retries after its retry time (25 ms for the services).
// This implementation asks again at once, with a pause that starts at 1 ms and doubles, and leaves only a coordinator
// that stays busy to the retry of the whole attempt.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import { isConcurrentTransactions, retryingWhile } from './kafka-failure';
import { replaceKafkajsModule } from './kafkajs-module-replacement';

const { KafkaJSMetadataNotLoaded } = require('kafkajs/src/errors');
const { staleMetadata } = require('kafkajs/src/protocol/error');
const responseSerializer = require('kafkajs/src/producer/responseSerializer');

type Message = unknown;

interface SendRequest {
  readonly acks: number;
  readonly timeout: number;
  readonly compression: unknown;
  readonly topicMessages: readonly { readonly topic: string; readonly messages: readonly Message[] }[];
}

interface PartitionAnswer {
  readonly topicName: string;
  readonly partition: number;
}

interface TopicData {
  readonly topic: string;
  readonly partitions: { readonly partition: number; readonly messages: Message[]; firstSequence?: number }[];
}

/** The kafkajs internals the function is built with: the same as kafkajs' own sendMessages receives. */
interface SendMessagesDeps {
  readonly logger: any;
  readonly cluster: any;
  readonly partitioner: any;
  readonly eosManager: any;
  readonly retrier: any;
}

export function sendMessagesByPartition({
  logger,
  cluster,
  partitioner,
  eosManager,
  retrier,
}: SendMessagesDeps) {
  return async ({ acks, timeout, compression, topicMessages }: SendRequest): Promise<PartitionAnswer[]> => {
    /** topic → partition → its records, fixed at the first attempt that had metadata. */
    let assigned: Map<string, Map<number, Message[]>> | undefined;
    /** `topic:partition` → the broker's answer for it (an empty list without acks). */
    const answered = new Map<string, PartitionAnswer[]>();

    const assign = (): Map<string, Map<number, Message[]>> => {
      const byTopic = new Map<string, Map<number, Message[]>>();
      for (const { topic, messages } of topicMessages) {
        const partitionMetadata = cluster.findTopicPartitionMetadata(topic);
        if (partitionMetadata.length === 0) {
          logger.debug('Producing to topic without metadata', { topic });
          throw new KafkaJSMetadataNotLoaded('Producing to topic without metadata');
        }
        const partitions = byTopic.get(topic) ?? new Map<number, Message[]>();
        for (const message of messages) {
          const partition: number = partitioner({ topic, partitionMetadata, message });
          const list = partitions.get(partition);
          if (list === undefined) partitions.set(partition, [message]);
          else list.push(message);
        }
        byTopic.set(topic, partitions);
      }
      return byTopic;
    };

    /** The unanswered partitions, per leader. */
    const unansweredPerLeader = (byTopic: Map<string, Map<number, Message[]>>): Map<number, TopicData[]> => {
      const perLeader = new Map<number, TopicData[]>();
      for (const [topic, partitions] of byTopic) {
        const pending = [...partitions.keys()].filter((partition) => !answered.has(`${topic}:${partition}`));
        const leaders: Record<string, number[]> = cluster.findLeaderForPartitions(topic, pending);
        for (const [leader, led] of Object.entries(leaders)) {
          const list = perLeader.get(Number(leader)) ?? [];
          list.push({
            topic,
            partitions: led.map((partition) => ({ partition, messages: partitions.get(partition)! })),
          });
          perLeader.set(Number(leader), list);
        }
      }
      return perLeader;
    };

    const produceTo = async (nodeId: number, candidates: TopicData[]): Promise<void> => {
      const broker = await cluster.findBroker({ nodeId });
      await eosManager.acquireBrokerLock(broker);
      try {
        // An earlier attempt's request may have been answered while this one waited for the broker.
        const topicData = candidates
          .map(({ topic, partitions }) => ({
            topic,
            partitions: partitions.filter(({ partition }) => !answered.has(`${topic}:${partition}`)),
          }))
          .filter(({ partitions }) => partitions.length > 0);
        if (topicData.length === 0) return;
        if (eosManager.isTransactional()) await addPartitionsRetrying(eosManager, topicData);
        for (const { topic, partitions } of topicData) {
          for (const entry of partitions) {
            entry.firstSequence = eosManager.getSequence(topic, entry.partition);
            eosManager.updateSequence(topic, entry.partition, entry.messages.length);
          }
        }
        let response;
        try {
          response = await broker.produce({
            transactionalId: eosManager.isTransactional() ? eosManager.getTransactionalId() : undefined,
            producerId: eosManager.getProducerId(),
            producerEpoch: eosManager.getProducerEpoch(),
            acks,
            timeout,
            compression,
            topicData,
          });
        } catch (error) {
          for (const { topic, partitions } of topicData) {
            for (const entry of partitions)
              eosManager.updateSequence(topic, entry.partition, -entry.messages.length);
          }
          throw error;
        }
        const answers: PartitionAnswer[] = acks !== 0 ? responseSerializer(response) : [];
        for (const { topic, partitions } of topicData) {
          for (const { partition } of partitions) {
            answered.set(
              `${topic}:${partition}`,
              answers.filter((answer) => answer.topicName === topic && answer.partition === partition),
            );
          }
        }
      } finally {
        await eosManager.releaseBrokerLock(broker);
      }
    };

    return retrier(async (bail: (error: unknown) => void, retryCount: number, retryTime: number) => {
      await cluster.addMultipleTargetTopics(topicMessages.map(({ topic }) => topic));
      try {
        await cluster.refreshMetadataIfNecessary();
        assigned ??= assign();
        const perLeader = unansweredPerLeader(assigned);
        // Every request settles before the attempt ends: a retry must not overlap a request still in flight.
        const settled = await Promise.allSettled(
          [...perLeader].map(([nodeId, topicData]) => produceTo(nodeId, topicData)),
        );
        const failed = settled.find((outcome) => outcome.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
        const missing = [...assigned].flatMap(([topic, partitions]) =>
          [...partitions.keys()].filter((partition) => !answered.has(`${topic}:${partition}`)),
        );
        // A partition without a leader in the metadata: ask again.
        if (missing.length > 0)
          throw new KafkaJSMetadataNotLoaded('Producing to partitions without a leader');
        return [...answered.values()].flat();
      } catch (e: any) {
        if (e.name === 'KafkaJSConnectionClosedError') cluster.removeBroker({ host: e.host, port: e.port });
        if (!cluster.isConnected()) {
          logger.debug(`Cluster has disconnected, reconnecting: ${e.message}`, { retryCount, retryTime });
          await cluster.connect();
          await cluster.refreshMetadata();
          throw e;
        }
        if (
          staleMetadata(e) ||
          e.name === 'KafkaJSMetadataNotLoaded' ||
          e.name === 'KafkaJSConnectionError' ||
          e.name === 'KafkaJSConnectionClosedError' ||
          (e.name === 'KafkaJSProtocolError' && e.retriable)
        ) {
          logger.error(`Failed to send messages: ${e.message}`, { retryCount, retryTime });
          await cluster.refreshMetadata();
          throw e;
        }
        logger.error(`${e.message}`, { retryCount, retryTime });
        if (e.retriable) throw e;
        bail(e);
      }
    });
  };
}

/** How often AddPartitionsToTxn is asked while its coordinator answers CONCURRENT_TRANSACTIONS: 127 ms of pauses in all. */
const ADD_PARTITIONS_ATTEMPTS = 8;

function addPartitionsRetrying(eosManager: any, topicData: TopicData[]): Promise<void> {
  return retryingWhile(
    isConcurrentTransactions,
    ADD_PARTITIONS_ATTEMPTS,
    (attempt) => 2 ** (attempt - 1),
    () => eosManager.addPartitionsToTransaction(topicData),
  );
}

/** Whether kafkajs' producers loaded after this module send with `sendMessagesByPartition`. */
export const sendMessagesByPartitionInstalled: boolean = replaceKafkajsModule(
  'kafkajs/src/producer/sendMessages',
  'kafkajs/src/producer/messageProducer',
  sendMessagesByPartition,
);
