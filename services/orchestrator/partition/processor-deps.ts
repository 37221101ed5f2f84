// What every partition processor of one orchestrator shares: clients, codec, store, registry and settings.
import type { Registry } from '../../core';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { TopicNames } from '../../platform/kafka/topic-names';
import type { Logger } from '../../platform/logging/logger';
import type { OrchestratorMetrics } from '../metrics/orchestrator-metrics';
import type { SnapshotStore } from '../../platform/redis/snapshot-store';
import type { OrchestratorCrypto } from '../crypto/partition-crypto';
import type { HotRetention } from '../retention/hot-retention';
import type { SettingsView } from '../../platform/settings/settings-view';
import type { SnapshotPolicy } from '../snapshot/snapshot-writer';

export interface ProcessorDeps {
  readonly log: LogClient;
  readonly admin: LogAdmin;
  readonly codec: EnvelopeCodec;
  readonly store: SnapshotStore;
  readonly registry: Registry;
  readonly topics: TopicNames;
  readonly groupId: string;
  /** The commands topic's partition count: in-flight limits are split over the partitions. */
  readonly partitions: number;
  readonly snapshot: SnapshotPolicy;
  readonly maxRecordBytes: number;
  readonly restoreTimeoutMs: number;
  /** Run-time workflow settings; `registry` should be seen through them. Absent: settings commands are refused. */
  readonly settings?: SettingsView;
  /** Per-instance data keys for sensitive fields; absent when no KEK is configured. */
  readonly crypto?: OrchestratorCrypto;
  /** How long finished instances stay in the hot set before a purge. */
  readonly retention: HotRetention;
  /** How often due timers and resumes are asked for: a circuit's resume rate per second becomes a count per ask. */
  readonly resumeTickMs: number;
  readonly metrics: OrchestratorMetrics;
  readonly logger: Logger;
}

/** `<group>.<commandsTopic>.<partition>`: a new owner of the partition fences the previous one. */
export const transactionalIdOf = (deps: ProcessorDeps, partition: number): string =>
  `${deps.groupId}.${deps.topics.commands}.${partition}`;
