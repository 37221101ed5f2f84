// GET /workflows/:name/versions: per version of the catalogue, its live instances from the search index (per state,
// and the oldest), and what the settings' rollout rule gives it; the core says which can be retired.
import { versionOverview, type Catalogue, type LiveInstances, type RolloutRule } from '../../core';
import { ApiError } from '../http/api-error';
import type { Handlers } from '../http/register-routes';
import type { InstanceIndex } from './instance-index';
import { planSearch } from './search-plan';
import type { SearchQuery } from './search-query';

export interface VersionSources {
  readonly index: InstanceIndex;
  readonly catalogue: Catalogue;
  /** The rule in force for a workflow's new instances; null: the deployed rule (the newest version). */
  readonly rolloutOf: (workflow: string) => RolloutRule | null;
}

export function versionHandlers(sources: VersionSources): Pick<Handlers, 'versions'> {
  return {
    versions: async ({ params }) => {
      const { catalogue, rolloutOf } = sources;
      const workflow = params.name;
      if (!catalogue.has(workflow)) {
        const known = catalogue.names();
        throw new ApiError(404, 'unknown-workflow', `no workflow ${workflow} in the catalogue`, { known });
      }
      const live = await Promise.all(catalogue.versions(workflow).map((v) => liveOf(sources, workflow, v)));
      const rollout = rolloutOf(workflow);
      return { status: 200, body: { workflow, rollout, versions: versionOverview(rollout, live) } };
    },
  };
}

async function liveOf(sources: VersionSources, workflow: string, version: number): Promise<LiveInstances> {
  const { index, catalogue } = sources;
  const counts = await index.counts(workflow, version);
  // A running instance is in a state that is not final, and a finished one in a final state.
  const liveStates = new Set(
    (catalogue.get(workflow, version)?.states ?? []).filter((s) => s.final === null).map((s) => s.name),
  );
  const byState = Object.fromEntries(
    Object.entries(counts.states).filter(([state]) => liveStates.has(state)),
  );
  const live = counts.statuses.running ?? 0;
  return { version, live, byState, oldest: live === 0 ? null : await oldestLive(index, workflow, version) };
}

async function oldestLive(index: InstanceIndex, workflow: string, version: number) {
  const query: SearchQuery = {
    filter: { workflow, version, status: 'running', started: {}, updated: {} },
    sort: 'started',
    order: 'asc',
    limit: 1,
  };
  const plan = planSearch(query.filter, query.sort, null, index.keys);
  if (plan.kind === 'empty') return null;
  const [first] = (await index.search(plan, query)).items;
  return first === undefined ? null : { correlationId: first.correlationId, startedAt: first.createdAt };
}
