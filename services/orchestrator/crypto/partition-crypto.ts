// Encryption at the orchestrator's edges. Commands are decrypted before the core sees them, and everything the
// orchestrator writes (transitions, task requests, snapshots) has its sensitive leaves encrypted with the
// instance's data key, or set to ERASED once that key is gone. Keys are created for key requests and starts,
// and tombstoned for erasures, in the transaction of the batch that needs them.
import {
  ERASED,
  keyEffectOf,
  type Command,
  type Instance,
  type JsonObject,
  type JsonValue,
  type LogRecord,
  type TaskRequest,
} from '../../core';
import {
  containsEncrypted,
  decodeKeysMessage,
  FieldDecryptError,
  keyMessage,
  type DataKeys,
  type DataKeyRecord,
  type ResolvedKey,
} from '../../platform/crypto';
import { leafPaths, protect, reveal } from '../../platform/crypto/sensitive-leaves';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { ProducedRecord } from '../../platform/kafka/records';
import type { InboundCommand } from '../batch/inbound-command';
import { replayPartition } from '../restore/transition-replay';
import type { OwnedKeys } from './owned-keys';

export interface OrchestratorCrypto {
  readonly keys: DataKeys;
  readonly owned: OwnedKeys;
  readonly leaves: ReadonlySet<string>;
  readonly keysTopic: string;
}

/** What one batch needs: decrypted commands, a key per instance, and the keys records to commit with it. */
export interface BatchKeys {
  readonly commands: InboundCommand[];
  readonly records: ProducedRecord[];
  keyOf(correlationId: string): ResolvedKey;
  /** After the commit: the new keys and tombstones become the owned ones. */
  committed(): Promise<void>;
}

type Created = { readonly record: DataKeyRecord; readonly dataKey: Buffer };
type Rewrapped = { readonly record: DataKeyRecord };

export class PartitionCrypto {
  constructor(
    private readonly crypto: OrchestratorCrypto,
    readonly partition: number,
  ) {}

  /** Reads keys partition `partition` to its end; call after fencing, before replaying transitions. */
  async restore(
    log: LogClient,
    admin: LogAdmin,
    options: { groupPrefix: string; timeoutMs: number; heartbeat: () => Promise<void> },
  ): Promise<number> {
    const { owned, keysTopic } = this.crypto;
    owned.release(this.partition);
    return replayPartition(log, admin, async (record) => decodeKeysMessage(record), {
      topic: keysTopic,
      partition: this.partition,
      after: null,
      ...options,
      apply: ({ correlationId, entry }) => owned.set(this.partition, correlationId, entry),
    });
  }

  release(): void {
    this.crypto.owned.release(this.partition);
  }

  async prepare(commands: readonly InboundCommand[]): Promise<BatchKeys> {
    const { keys, owned } = this.crypto;
    const created = new Map<string, Created>();
    const erasing = new Set<string>();
    const rewrapped = new Map<string, Rewrapped>();
    const records: ProducedRecord[] = [];
    const resolved = new Map<string, ResolvedKey>();
    const resolve = async (correlationId: string): Promise<ResolvedKey> => {
      if (!resolved.has(correlationId)) resolved.set(correlationId, await keys.resolve(correlationId));
      return resolved.get(correlationId);
    };
    const out: InboundCommand[] = [];
    for (const inbound of commands) {
      if (!inbound.decoded.ok) {
        out.push(inbound);
        continue;
      }
      const command = inbound.decoded.command;
      const correlationId = command.correlationId;
      // What the command asks of the key is the core's to say (keyEffectOf); doing it is this adapter's.
      const effect = keyEffectOf(command);
      if (effect === 'ensure' && owned.lookup(correlationId) === undefined) {
        if (!created.has(correlationId)) {
          const fresh = await keys.newDataKey(correlationId);
          created.set(correlationId, fresh);
          resolved.set(correlationId, fresh.dataKey);
          records.push(fresh.message);
        }
      }
      if (effect === 'rewrap' && !erasing.has(correlationId) && !rewrapped.has(correlationId)) {
        const current = owned.lookup(correlationId);
        if (current?.kind === 'key' && current.kekId !== keys.currentKekId) {
          const record = await keys.rewrap(correlationId, current);
          rewrapped.set(correlationId, { record });
          records.push(keyMessage(correlationId, record));
        }
      }
      if (effect === 'shred' && !erasing.has(correlationId)) {
        const current = owned.lookup(correlationId);
        if (current?.kind === 'key' || created.has(correlationId)) {
          erasing.add(correlationId);
          records.push(keys.tombstone(correlationId));
        }
      }
      // Every instance the batch touches needs its key to seal what the batch writes for it.
      await resolve(correlationId);
      out.push(await this.decrypted(inbound, command, correlationId, resolve));
    }
    return {
      commands: out,
      records,
      // An instance erased in this batch still seals this batch's records with its key: the tombstone
      // committed beside them makes them unreadable.
      keyOf: (correlationId) => resolved.get(correlationId),
      committed: async () => {
        for (const [correlationId, { record, dataKey }] of created) {
          owned.set(this.partition, correlationId, { kind: 'key', ...record });
          await keys.remember(correlationId, record, dataKey);
        }
        for (const [correlationId, { record }] of rewrapped) {
          if (erasing.has(correlationId)) continue;
          owned.set(this.partition, correlationId, { kind: 'key', ...record });
          await keys.forget(correlationId);
        }
        for (const correlationId of erasing) {
          owned.set(this.partition, correlationId, { kind: 'erased' });
          await keys.forget(correlationId);
        }
      },
    };
  }

  /** A record or task request as it is written: leaves encrypted, or ERASED once the key is gone. */
  seal<T extends LogRecord | TaskRequest | Instance>(value: T, key: ResolvedKey): T {
    const json = value as unknown as JsonValue;
    if (key === undefined) return value;
    if (key === 'erased') return eraseLeaves(json, this.crypto.leaves) as unknown as T;
    return protect(json, this.crypto.leaves, { dataKey: key, aad: value.correlationId }) as unknown as T;
  }

  /** A record or instance read back from the log or a snapshot, decrypted. */
  async open<T extends LogRecord | Instance>(value: T): Promise<T> {
    const json = value as unknown as JsonValue;
    if (!containsEncrypted(json)) return value;
    const key = await this.crypto.keys.resolve(value.correlationId);
    if (key === undefined) return eraseTokens(json) as unknown as T;
    const opened = reveal(json, key === 'erased' ? 'erased' : { dataKey: key, aad: value.correlationId });
    return opened as unknown as T;
  }

  async sealForSnapshot(instance: Instance): Promise<Instance> {
    return this.seal(instance, await this.crypto.keys.resolve(instance.correlationId));
  }

  private async decrypted(
    inbound: InboundCommand,
    command: Command,
    correlationId: string,
    resolve: (correlationId: string) => Promise<ResolvedKey>,
  ): Promise<InboundCommand> {
    const json = command as unknown as JsonObject;
    if (!containsEncrypted(json)) return inbound;
    const key = await resolve(correlationId);
    if (key === undefined) {
      const reason = `encrypted fields but no data key for ${correlationId}`;
      return { ...inbound, decoded: { ok: false, code: 'invalid-command', reason } };
    }
    try {
      const opened = reveal(json, key === 'erased' ? 'erased' : { dataKey: key, aad: correlationId });
      // Opening replaces sealed string leaves with their plaintext: the command keeps the shape it was parsed with.
      return { ...inbound, decoded: { ok: true, command: opened as unknown as Command } };
    } catch (error) {
      if (!(error instanceof FieldDecryptError)) throw error;
      return { ...inbound, decoded: { ok: false, code: 'invalid-command', reason: error.message } };
    }
  }
}

/** Every sensitive leaf set to ERASED: what is written for an instance whose key is gone. */
function eraseLeaves(value: JsonValue, leaves: ReadonlySet<string>): JsonValue {
  const paths = leafPaths(value, leaves);
  if (paths.length === 0) return value;
  const copy = structuredClone(value) as JsonObject;
  for (const path of paths) setAt(copy, path.split('.'), ERASED);
  return copy;
}

/** Tokens with no key to read them (a key never committed) read as erased: their plaintext is unreachable. */
const eraseTokens = (value: JsonValue): JsonValue => reveal(value, 'erased');

function setAt(target: JsonObject, segments: readonly string[], value: JsonValue): void {
  let current: JsonValue = target;
  for (const segment of segments.slice(0, -1)) {
    if (current === null || typeof current !== 'object') return;
    current = (current as Record<string, JsonValue>)[segment] ?? null;
  }
  const last = segments.at(-1);
  if (current !== null && typeof current === 'object' && last !== undefined) {
    (current as Record<string, JsonValue>)[last] = value;
  }
}
