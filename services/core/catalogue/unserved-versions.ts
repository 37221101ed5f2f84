// The versions that still have live instances but are no longer served: an orchestrator deployed without them
// could not decide anything for those instances, so it must not start. Pure: the orchestrator counts the live
// instances from its snapshots and the log, and refuses with this list.
import type { Registry } from '../registry/registry';

export interface LiveCount {
  readonly workflow: string;
  readonly version: number;
  readonly live: number;
}

/** The counts whose workflow version `registry` lacks, by workflow and version. */
export function unservedVersions(registry: Pick<Registry, 'get'>, live: Iterable<LiveCount>): LiveCount[] {
  return [...live]
    .filter((count) => count.live > 0 && registry.get(count.workflow, count.version) === undefined)
    .sort((a, b) => a.workflow.localeCompare(b.workflow) || a.version - b.version);
}

export function unservedMessage(unserved: readonly LiveCount[]): string {
  const each = unserved.map(
    (count) =>
      `${count.workflow}@${count.version} has ${count.live} live instance${count.live === 1 ? '' : 's'}`,
  );
  return (
    `the deployed workflows no longer serve versions with live instances: ${each.join('; ')}. ` +
    'Deploy those versions again until their instances finish or are migrated (statewright versions shows them)'
  );
}
