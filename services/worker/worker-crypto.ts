// The crypto runtime of a worker process: it follows <prefix>.keys so that task inputs whose sensitive fields the
// orchestrator encrypted can be decrypted for the handlers. Undefined without a KEK file. Workers only decrypt
// (any token, wherever it is), so they need no definition's list of sensitive fields.
import type { Redis } from 'ioredis';
import { createRegistry } from '../core';
import type { CryptoSettings } from '../platform/config/crypto-settings';
import { startCryptoRuntime, type CryptoRuntime } from '../platform/crypto/crypto-runtime';
import type { LogClient } from '../platform/kafka/log-client';
import { topicNames } from '../platform/kafka/topic-names';
import type { Logger } from '../platform/logging/logger';

export interface WorkerCryptoOptions {
  readonly settings: CryptoSettings;
  readonly log: LogClient;
  /** Caches wrapped keys, shared with the other services of the deployment. */
  readonly redis: Redis;
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  /** The worker's consumer group: the keys table's throwaway group is named after it. */
  readonly groupId: string;
  readonly logger: Logger;
}

/** Resolves once the keys table has read the topic to its end; stop the runtime after the worker. */
export function startWorkerCrypto(options: WorkerCryptoOptions): Promise<CryptoRuntime | undefined> {
  const { groupId, topicPrefix, ...rest } = options;
  return startCryptoRuntime({
    ...rest,
    topicPrefix,
    keysTopic: topicNames(topicPrefix).keys,
    groupIdPrefix: groupId,
    registry: createRegistry([]),
  });
}
