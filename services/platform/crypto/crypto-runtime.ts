// What a service that reads or writes sensitive fields runs: the KEK from its file, a KeyTable following
// <prefix>.keys, and DataKeys on top with Redis as a cache. Undefined when no KEK file is configured.
import type { Redis } from 'ioredis';
import type { CryptoSettings } from '../config/crypto-settings';
import type { LogClient } from '../kafka/log-client';
import type { Logger } from '../logging/logger';
import { DataKeys, type ResolvedKey } from './data-keys';
import { FileKeyEncryptionKey } from './key-encryption-key';
import { KeyTable } from './key-table';
import { followedLeaves, sensitiveLeaves, type SensitivePathSource } from './sensitive-leaves';

export interface CryptoRuntime {
  readonly keys: DataKeys;
  readonly table: KeyTable;
  readonly leaves: ReadonlySet<string>;
  /** The instance's key, waiting up to `waitMs` for the table to read one that is not known yet. */
  keyFor(correlationId: string, waitMs: number): Promise<ResolvedKey>;
  stop(): Promise<void>;
}

export interface CryptoRuntimeOptions {
  readonly settings: CryptoSettings;
  readonly log: LogClient;
  readonly redis: Redis;
  readonly keysTopic: string;
  readonly redisPrefix: string;
  readonly topicPrefix: string;
  readonly groupIdPrefix: string;
  readonly registry: SensitivePathSource;
  /** Set when `registry` grows while the service runs (the catalogue): the leaves follow its revisions. */
  readonly revision?: () => number;
  readonly logger: Logger;
}

export async function startCryptoRuntime(options: CryptoRuntimeOptions): Promise<CryptoRuntime | undefined> {
  const { settings, logger } = options;
  if (settings.kekFile === undefined) {
    logger.warn('STATEWRIGHT_KEK_FILE is not set: sensitive fields are neither encrypted nor erasable');
    return undefined;
  }
  const kek = await FileKeyEncryptionKey.load(settings.kekFile);
  const table = await KeyTable.start({
    log: options.log,
    topic: options.keysTopic,
    logger,
    groupIdPrefix: `${options.groupIdPrefix}.keys`,
  });
  await table.ready();
  const keys = new DataKeys({
    kek,
    table,
    logger,
    redis: options.redis,
    redisPrefix: options.redisPrefix,
    topicPrefix: options.topicPrefix,
  });
  logger.info({ kekId: kek.id }, 'sensitive fields are encrypted with per-instance data keys');
  return {
    keys,
    table,
    leaves:
      options.revision === undefined
        ? sensitiveLeaves(options.registry)
        : followedLeaves(options.registry, options.revision),
    keyFor: async (correlationId, waitMs) => {
      const known = await keys.resolve(correlationId);
      if (known !== undefined || waitMs <= 0) return known;
      await table.waitFor(correlationId, waitMs);
      return keys.resolve(correlationId);
    },
    stop: () => table.stop(),
  };
}
