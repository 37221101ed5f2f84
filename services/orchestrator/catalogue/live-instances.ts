// Counts the live (running) instances per workflow version across every partition, before an orchestrator
// serves any: each partition's snapshot, then the transitions after it, folded to the last version and status of
// each instance. What the start checks its deployed workflows against (see unservedVersions). The count runs
// only when the deployed workflows lack a version the definitions catalogue holds: a start that serves every
// published version reads nothing more than the catalogue.
import { unservedMessage, unservedVersions, type LiveCount, type Registry } from '../../core';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { Logger } from '../../platform/logging/logger';
import { CatalogueView } from '../../platform/kafka/catalogue-view';
import { SnapshotError } from '../../platform/redis/snapshot-error';
import type { SnapshotStore } from '../../platform/redis/snapshot-store';
import { UnservedVersionError } from '../../platform/workflows/unserved-version-error';
import { replayTransitions } from '../restore/transition-replay';

export interface LiveCounting {
  readonly log: LogClient;
  readonly admin: LogAdmin;
  readonly codec: EnvelopeCodec;
  readonly store: SnapshotStore;
  readonly transitionsTopic: string;
  readonly definitionsTopic: string;
  readonly groupPrefix: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

interface Standing {
  readonly workflow: string;
  readonly version: number;
  readonly running: boolean;
}

/** Throws UnservedVersionError when a version with live instances is missing from `registry`. */
export async function checkServedVersions(counting: LiveCounting, registry: Registry): Promise<void> {
  if ((await droppedVersions(counting, registry)) === 0) return;
  const unserved = unservedVersions(registry, await countLiveInstances(counting));
  if (unserved.length === 0) return;
  throw new UnservedVersionError(
    unserved.map((count) => `${count.workflow}@${count.version}`),
    unservedMessage(unserved),
  );
}

/** How many versions the catalogue holds that `registry` does not serve. */
async function droppedVersions(counting: LiveCounting, registry: Registry): Promise<number> {
  const view = await CatalogueView.start({
    log: counting.log,
    codec: counting.codec,
    topic: counting.definitionsTopic,
    groupPrefix: counting.groupPrefix,
    logger: counting.logger,
  });
  try {
    return [...view.values()].filter((d) => registry.get(d.name, d.version) === undefined).length;
  } finally {
    await view.stop();
  }
}

export async function countLiveInstances(counting: LiveCounting): Promise<LiveCount[]> {
  const partitions = await counting.admin.fetchTopicOffsets(counting.transitionsTopic);
  const counts = new Map<string, LiveCount>();
  for (const { partition } of partitions) {
    for (const standing of (await partitionStanding(counting, partition)).values()) {
      if (!standing.running) continue;
      const key = `${standing.workflow}@${standing.version}`;
      const before = counts.get(key)?.live ?? 0;
      counts.set(key, { workflow: standing.workflow, version: standing.version, live: before + 1 });
    }
  }
  return [...counts.values()];
}

async function partitionStanding(counting: LiveCounting, partition: number): Promise<Map<string, Standing>> {
  const standing = new Map<string, Standing>();
  let after: number | null = null;
  try {
    const snapshot = await counting.store.loadStored(partition);
    for (const [id, instance] of snapshot.instances) {
      const { workflow, version, status } = instance;
      standing.set(id, { workflow, version, running: status === 'running' });
    }
    after = snapshot.offset;
  } catch (error) {
    // Redis is a cache: without its snapshot (unreadable or unreachable) the partition's whole log is read instead.
    const level = error instanceof SnapshotError ? 'warn' : 'error';
    counting.logger[level](
      { err: error, partition },
      'snapshot unreadable: counting live instances from the log',
    );
    standing.clear();
  }
  await replayTransitions(counting.log, counting.admin, counting.codec, {
    topic: counting.transitionsTopic,
    partition,
    after,
    groupPrefix: `${counting.groupPrefix}.live`,
    timeoutMs: counting.timeoutMs,
    heartbeat: async () => undefined,
    apply: (record) => {
      if (record.kind === 'transition') {
        const { workflow, version, status } = record;
        standing.set(record.correlationId, { workflow, version, running: status === 'running' });
      } else if (record.kind === 'purged') standing.delete(record.correlationId);
    },
  });
  return standing;
}
