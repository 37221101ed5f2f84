// The instance search index at scale: BENCH_SEARCH_INSTANCES (100,000) summaries written through the index code
// the projection uses, pipelined, then BENCH_SEARCH_QUERIES (1,000) filtered searches and as many state counts,
// each timed from the request to the decoded answer; p50/p95/p99 per kind of query. Then the live graph's
// figures over the same index (see figures-bench).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { InstanceStatus } from '../services/core';
import { indexKeys } from '../services/gateway/search/index-keys';
import { InstanceIndex } from '../services/gateway/search/instance-index';
import type { InstanceSummary } from '../services/gateway/search/instance-summary';
import { planSearch } from '../services/gateway/search/search-plan';
import type { SearchFilter, SearchQuery } from '../services/gateway/search/search-query';
import type { Endpoints } from './bench-rig';
import { figuresBench } from './figures-bench';

export interface SearchBenchSettings {
  readonly instances: number;
  readonly queries: number;
  readonly transitions: number;
}

export const searchSettingsFromEnv = (env: NodeJS.ProcessEnv): SearchBenchSettings => ({
  instances: Number(env.BENCH_SEARCH_INSTANCES ?? 100_000),
  queries: Number(env.BENCH_SEARCH_QUERIES ?? 1_000),
  transitions: Number(env.BENCH_FIGURES_TRANSITIONS ?? 200_000),
});

const WORKFLOWS = ['order', 'refund', 'onboarding', 'shipment', 'claim'];
const VERSIONS = 3;
const STATES = [
  'new',
  'validating',
  'reserving',
  'paying',
  'shipping',
  'waiting',
  'review',
  'closing',
  'done',
  'undone',
];
const STATUSES: InstanceStatus[] = [
  'running',
  'running',
  'completed',
  'completed',
  'failed',
  'cancelled',
  'compensated',
  'timed_out',
];
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** A deterministic spread of instances: 5 workflows × 3 versions × 10 states, statuses skewed to running/completed. */
function summary(n: number): InstanceSummary {
  const createdAt = T0 + ((n * 7919) % (30 * DAY));
  return {
    correlationId: `inst-${String(n).padStart(7, '0')}`,
    workflow: WORKFLOWS[n % WORKFLOWS.length]!,
    version: 1 + (n % VERSIONS),
    state: STATES[(n * 31) % STATES.length]!,
    status: STATUSES[(n * 17) % STATUSES.length]!,
    seq: 1 + (n % 20),
    createdAt,
    updatedAt: createdAt + ((n * 104_729) % DAY),
  };
}

type Kind =
  'workflow+state' | 'workflow+version+status' | 'status+updatedFrom' | 'idPrefix' | 'workflow by started';

function filterOf(kind: Kind, i: number): { filter: SearchFilter; sort: 'updated' | 'started' } {
  const none = { started: {}, updated: {} };
  const workflow = WORKFLOWS[i % WORKFLOWS.length]!;
  switch (kind) {
    case 'workflow+state':
      return { filter: { ...none, workflow, state: STATES[i % STATES.length]! }, sort: 'updated' };
    case 'workflow+version+status':
      return {
        filter: { ...none, workflow, version: 1 + (i % VERSIONS), status: 'running' },
        sort: 'updated',
      };
    case 'status+updatedFrom':
      return {
        filter: { ...none, status: 'failed', updated: { from: T0 + (i % 25) * DAY } },
        sort: 'updated',
      };
    case 'idPrefix':
      return { filter: { ...none, idPrefix: `inst-00${String(i % 100).padStart(2, '0')}` }, sort: 'updated' };
    case 'workflow by started':
      return { filter: { ...none, workflow, started: { to: T0 + 20 * DAY } }, sort: 'started' };
  }
}

const KINDS: Kind[] = [
  'workflow+state',
  'workflow+version+status',
  'status+updatedFrom',
  'idPrefix',
  'workflow by started',
];

function percentiles(samples: number[]): { p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2));
  return { p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99), max_ms: at(1) };
}

async function load(index: InstanceIndex, instances: number): Promise<number> {
  const started = performance.now();
  const window = 2_000;
  for (let from = 0; from < instances; from += window) {
    const writes: Promise<boolean>[] = [];
    for (let n = from; n < Math.min(instances, from + window); n += 1)
      writes.push(index.upsertSummary(n, summary(n)));
    await Promise.all(writes);
  }
  return (performance.now() - started) / 1000;
}

export async function searchBench(endpoints: Endpoints, settings: SearchBenchSettings): Promise<object> {
  const redis = new Redis(endpoints.redisUrl);
  const prefix = `bench-search-${randomUUID().slice(0, 8)}`;
  const keys = indexKeys(prefix);
  const index = new InstanceIndex(redis, keys);
  try {
    const memoryBefore = await usedMemory(redis);
    const loadSeconds = await load(index, settings.instances);
    const indexBytes = (await usedMemory(redis)) - memoryBefore;
    process.stdout.write(`search: ${settings.instances} instances indexed in ${loadSeconds.toFixed(1)} s\n`);
    const byKind = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
    const all: number[] = [];
    const matched: number[] = [];
    for (let i = 0; i < settings.queries; i += 1) {
      const kind = KINDS[i % KINDS.length]!;
      const { filter, sort } = filterOf(kind, Math.floor(i / KINDS.length));
      const query: SearchQuery = { filter, sort, order: i % 2 === 0 ? 'desc' : 'asc', limit: 50 };
      const plan = planSearch(filter, sort, null, keys);
      if (plan.kind !== 'read') throw new Error('a bench query planned to nothing');
      const begin = performance.now();
      const page = await index.search(plan, query);
      const took = performance.now() - begin;
      byKind.get(kind)!.push(took);
      all.push(took);
      matched.push(page.count);
    }
    const counts: number[] = [];
    for (let i = 0; i < settings.queries; i += 1) {
      const workflow = WORKFLOWS[i % WORKFLOWS.length]!;
      const begin = performance.now();
      await index.counts(workflow, i % 2 === 0 ? undefined : 1 + (i % VERSIONS));
      counts.push(performance.now() - begin);
    }
    const result = {
      instances: settings.instances,
      queries: settings.queries,
      load_seconds: Number(loadSeconds.toFixed(2)),
      // Redis used_memory grown by the load: other clients' writes meanwhile count too.
      index_bytes_per_instance: Math.round(indexBytes / settings.instances),
      search: { ...percentiles(all), matched_median: percentiles(matched).p50_ms, limit: 50 },
      search_by_kind: Object.fromEntries([...byKind].map(([kind, samples]) => [kind, percentiles(samples)])),
      counts: percentiles(counts),
      figures: await figuresBench(
        redis,
        index,
        prefix,
        { workflows: WORKFLOWS, versions: VERSIONS, states: STATES },
        { transitions: settings.transitions, queries: settings.queries },
        percentiles,
      ),
      target_p95_ms: 50,
    };
    return result;
  } finally {
    await clean(redis, prefix);
    await redis.quit();
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function clean(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (found.length > 0) await redis.del(...found);
    cursor = next;
  } while (cursor !== '0');
}
