// The orchestrator's data keys: it owns the keys of its partitions' instances (OwnedKeys, restored per partition),
// unwraps them with the KEK from its file and caches them wrapped in Redis for the gateway and workers.
import type { Redis } from 'ioredis';
import type { Registry } from '../../core';
import type { CryptoSettings } from '../../platform/config/crypto-settings';
import { DataKeys, FileKeyEncryptionKey } from '../../platform/crypto';
import { sensitiveLeaves } from '../../platform/crypto/sensitive-leaves';
import type { Logger } from '../../platform/logging/logger';
import { OwnedKeys } from './owned-keys';
import type { OrchestratorCrypto } from './partition-crypto';

export interface OrchestratorCryptoOptions {
  readonly settings: CryptoSettings;
  readonly registry: Registry;
  readonly keysTopic: string;
  readonly redis: Redis;
  readonly redisPrefix: string;
  readonly topicPrefix: string;
  readonly logger: Logger;
}

/** Undefined, after a warning, when no KEK file is configured. */
export async function orchestratorCrypto(
  options: OrchestratorCryptoOptions,
): Promise<OrchestratorCrypto | undefined> {
  const { settings, logger } = options;
  if (settings.kekFile === undefined) {
    logger.warn('STATEWRIGHT_KEK_FILE is not set: sensitive fields are neither encrypted nor erasable');
    return undefined;
  }
  const kek = await FileKeyEncryptionKey.load(settings.kekFile);
  const owned = new OwnedKeys();
  const keys = new DataKeys({
    kek,
    table: owned,
    logger,
    redis: options.redis,
    redisPrefix: options.redisPrefix,
    topicPrefix: options.topicPrefix,
  });
  logger.info({ kekId: kek.id }, 'sensitive fields are encrypted with per-instance data keys');
  return { keys, owned, leaves: sensitiveLeaves(options.registry), keysTopic: options.keysTopic };
}
