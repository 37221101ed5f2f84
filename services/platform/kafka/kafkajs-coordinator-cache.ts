// kafkajs' transaction manager looks a coordinator up before each of its requests: a transaction that sends offsets
// costs four FindCoordinator round trips (before AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn),
// about as long on a loaded broker as the rest of its requests together. In place of kafkajs' module
// (kafkajs/src/producer/eosManager) this puts the same manager over a view of the producer's cluster that keeps each
// coordinator it found, as Kafka's Java client does, until a request to it fails (other than with
// CONCURRENT_TRANSACTIONS, the answer while the previous transaction's markers are written) or its connection is
// down; then it is looked up again. The test runner maps kafkajs' module to this one too (jest.config.js).
/* eslint-disable @typescript-eslint/no-require-imports */
import { replaceKafkajsModule } from './kafkajs-module-replacement';

/** What a coordinator lookup answers: one of kafkajs' brokers. */
export interface CoordinatorBroker {
  isConnected(): boolean;
}

export interface CoordinatorQuery {
  readonly groupId: string;
  readonly coordinatorType?: number;
}

/** The part of kafkajs' cluster the view changes; every other member is the cluster's own. */
export interface CoordinatorCluster {
  findGroupCoordinator(query: CoordinatorQuery): Promise<CoordinatorBroker>;
}

type EosManagerFactory = (options: { readonly cluster: CoordinatorCluster }) => unknown;

const kafkajsEosManager = require('kafkajs/src/producer/eosManager') as EosManagerFactory;

/**
 * `cluster`, except that each coordinator (by type and group or transactional id) is looked up once and kept while
 * its connection is up and no request to it fails for another reason than a concurrent transaction.
 */
export function keepingCoordinators<C extends CoordinatorCluster>(cluster: C): C {
  const kept = new Map<string, CoordinatorBroker>();
  const findGroupCoordinator = async (query: CoordinatorQuery): Promise<CoordinatorBroker> => {
    const key = `${query.coordinatorType ?? 0}:${query.groupId}`;
    const known = kept.get(key);
    if (known !== undefined && known.isConnected()) return known;
    kept.delete(key);
    const found = forgotOnFailure(await cluster.findGroupCoordinator(query), (broker) => {
      if (kept.get(key) === broker) kept.delete(key);
    });
    kept.set(key, found);
    return found;
  };
  return new Proxy(cluster, {
    get: (target, property) =>
      property === 'findGroupCoordinator' ? findGroupCoordinator : Reflect.get(target, property),
  });
}

/** The coordinator is right, and busy ending the previous transaction: kafkajs retries the request. */
const stillCoordinator = (error: unknown): boolean =>
  (error as { type?: unknown } | null)?.type === 'CONCURRENT_TRANSACTIONS';

/** `broker`, calling `forget` with this view when any of its methods fails other than `stillCoordinator`. */
function forgotOnFailure(
  broker: CoordinatorBroker,
  forget: (view: CoordinatorBroker) => void,
): CoordinatorBroker {
  const view: CoordinatorBroker = new Proxy(broker, {
    get: (target, property) => {
      const member: unknown = Reflect.get(target, property);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (member as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          if (!stillCoordinator(error)) forget(view);
          throw error;
        }
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if (!stillCoordinator(error)) forget(view);
          throw error;
        });
      };
    },
  });
  return view;
}

/** kafkajs' transaction manager over a cluster that keeps its coordinators. */
export function coordinatorKeepingEosManager(options: { readonly cluster: CoordinatorCluster }): unknown {
  return kafkajsEosManager({ ...options, cluster: keepingCoordinators(options.cluster) });
}

/** Whether kafkajs' producers loaded after this module keep their coordinators. */
export const coordinatorCacheInstalled: boolean = replaceKafkajsModule(
  'kafkajs/src/producer/eosManager',
  'kafkajs/src/producer/index',
  coordinatorKeepingEosManager,
);
