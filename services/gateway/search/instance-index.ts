// The instance search index the gateway's projection keeps beside its read model: sorted sets by update and start
// time, a lexicographic set of ids, and one set per workflow, version, state and status (alone and combined), so a
// filter is an intersection of a few sets and never a scan. It follows the read model record by record.
import type { Redis } from 'ioredis';
import type { Instance } from '../../core';
import type { Position } from '../projection/read-model';
import { ReadModelError } from '../projection/read-model-error';
import { IndexContentionError } from './index-contention-error';
import type { IndexKeys } from './index-keys';
import { REMOVE_SCRIPT, SEARCH_SCRIPT, UPSERT_SCRIPT } from './index-scripts';
import { membershipsOf, STATUSES, summaryOf, type InstanceSummary } from './instance-summary';
import type { SearchPlan } from './search-plan';
import type { SearchQuery, TimeRange } from './search-query';

type Script = (...args: (string | number)[]) => Promise<unknown>;

/** What the index stores per id: the offset it reflects, and either the summary or a tombstone. */
interface IndexDocument {
  readonly o: number;
  readonly g?: 1;
  readonly s?: InstanceSummary;
}

/** Writes to one id race only while two gateways briefly share a partition (a rebalance): a few rereads settle it. */
const MAX_ATTEMPTS = 10;

export interface SearchPage {
  readonly items: readonly InstanceSummary[];
  /** How many instances match the filter, over every page. */
  readonly count: number;
  readonly more: boolean;
}

export interface StateCounts {
  readonly total: number;
  readonly states: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
}

export class InstanceIndex {
  private readonly upsertScript: Script;
  private readonly removeScript: Script;
  private readonly searchScript: Script;

  constructor(
    private readonly redis: Redis,
    readonly keys: IndexKeys,
  ) {
    this.upsertScript = define(redis, 'statewrightIndexUpsert', UPSERT_SCRIPT);
    this.removeScript = define(redis, 'statewrightIndexRemove', REMOVE_SCRIPT);
    this.searchScript = define(redis, 'statewrightIndexSearch', SEARCH_SCRIPT);
  }

  /** Indexes the instance as folded at `offset`; false when the index already reflects a later record. */
  async upsert(offset: number, instance: Instance): Promise<boolean> {
    return this.upsertSummary(offset, summaryOf(instance));
  }

  /** The same for a summary alone: what the benchmark loads its instances with. */
  async upsertSummary(offset: number, summary: InstanceSummary): Promise<boolean> {
    const sets = this.sortedSets(summary);
    const half = sets.length / 2;
    const doc = JSON.stringify({ o: offset, s: summary } satisfies IndexDocument);
    const { docs, updated, started, ids } = this.keys;
    const head = [docs, updated, started, ids, this.keys.statesOf(summary.workflow), ...sets];
    const argv = [
      summary.correlationId,
      offset,
      doc,
      summary.updatedAt,
      summary.createdAt,
      summary.state,
      half,
    ];
    return this.write(summary.correlationId, (stored, leave) => {
      const keys = [...head, ...leave];
      return this.upsertScript(keys.length, ...keys, ...argv, stored);
    });
  }

  /** The summary the index holds for the id; undefined when it holds none (or a tombstone). */
  async summary(id: string): Promise<InstanceSummary | undefined> {
    const stored = await this.redis.hget(this.keys.docs, id);
    return stored === null ? undefined : parseDocument(stored).s;
  }

  /** The id leaves every set; a tombstone at `offset` keeps redelivered older records from bringing it back. */
  async remove(offset: number, correlationId: string): Promise<boolean> {
    const tombstone = JSON.stringify({ o: offset, g: 1 } satisfies IndexDocument);
    const { docs, updated, started, ids } = this.keys;
    return this.write(correlationId, (stored, leave) => {
      const keys = [docs, updated, started, ids, ...leave];
      return this.removeScript(keys.length, ...keys, correlationId, offset, tombstone, stored);
    });
  }

  /** Reads the stored document, then runs `script` with it and the sets it names; again if it changed meanwhile. */
  private async write(
    id: string,
    script: (stored: string, leave: readonly string[]) => Promise<unknown>,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const stored = (await this.redis.hget(this.keys.docs, id)) ?? '';
      const summary = stored === '' ? undefined : parseDocument(stored).s;
      const written = await script(stored, summary === undefined ? [] : this.sortedSets(summary));
      if (written !== -1) return written === 1;
    }
    throw new IndexContentionError(id, MAX_ATTEMPTS);
  }

  /** The sorted sets of the summary's memberships: n by update time, then the same n by start time. */
  private sortedSets(summary: InstanceSummary): string[] {
    const sets = membershipsOf(summary, this.keys);
    return [
      ...sets.map((set) => this.keys.sortedBy(set, 'updated')),
      ...sets.map((set) => this.keys.sortedBy(set, 'started')),
    ];
  }

  /**
   * Writes the index from what the read model holds now for the instance at `position`: used when the read
   * model had already folded a record, so a stop between the read model's write and the index's heals here.
   */
  async sync(
    position: Position,
    stored: { offset: number; instance: Instance } | undefined,
    id: string,
  ): Promise<void> {
    if (stored === undefined) await this.remove(position.offset, id);
    else await this.upsert(stored.offset, stored.instance);
  }

  async search(plan: Extract<SearchPlan, { kind: 'read' }>, query: SearchQuery): Promise<SearchPage> {
    const keys = [
      plan.sorted.key,
      plan.other?.key ?? plan.sorted.key,
      this.keys.ids,
      this.keys.docs,
      ...this.keys.scratch,
      ...plan.anyOf,
      ...plan.sets,
    ];
    const [min, max] = bounds(plan.sorted.range);
    const [otherMin, otherMax] = plan.other === undefined ? ['', ''] : bounds(plan.other.range);
    const argv = [
      min,
      max,
      otherMin,
      otherMax,
      plan.idPrefix ?? '',
      query.order,
      query.limit,
      query.after === undefined ? '' : query.after.score,
      query.after?.id ?? '',
      plan.anyOf.length,
    ];
    const answer = (await this.searchScript(keys.length, ...keys, ...argv)) as (number | string)[];
    const [count, more, ...docs] = answer;
    const items = docs
      .filter((doc) => doc !== '')
      .map((doc) => parseDocument(String(doc)).s)
      .filter((summary) => summary !== undefined);
    return { items, count: Number(count), more: more === 1 };
  }

  /** Instances of a workflow (or one version of it) per state and per status, from set sizes alone. */
  async counts(workflow: string, version?: number): Promise<StateCounts> {
    const states = (await this.redis.smembers(this.keys.statesOf(workflow))).sort();
    const multi = this.redis.multi();
    const size = (set: string) => multi.zcard(this.keys.sortedBy(set, 'updated'));
    size(version === undefined ? this.keys.workflow(workflow) : this.keys.version(workflow, version));
    for (const state of states) size(this.keys.state(state, workflow, version));
    for (const status of STATUSES) size(this.keys.status(status, workflow, version));
    const replies = (await multi.exec()) ?? [];
    const sizes = replies.map(([error, size]) => {
      if (error !== null) throw error;
      return Number(size);
    });
    const [total = 0, ...rest] = sizes;
    return {
      total,
      states: nonZero(states, rest.slice(0, states.length)),
      statuses: nonZero(STATUSES, rest.slice(states.length)),
    };
  }
}

function define(redis: Redis, name: string, lua: string): Script {
  redis.defineCommand(name, { lua });
  return (redis as unknown as Record<string, Script>)[name]!.bind(redis);
}

const bounds = (range: TimeRange): [string, string] => [
  range.from === undefined ? '-inf' : String(range.from),
  range.to === undefined ? '+inf' : String(range.to),
];

function nonZero(names: readonly string[], sizes: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  names.forEach((name, index) => {
    const size = sizes[index] ?? 0;
    if (size > 0) counts[name] = size;
  });
  return counts;
}

function parseDocument(json: string): IndexDocument {
  try {
    return JSON.parse(json) as IndexDocument;
  } catch (error) {
    throw new ReadModelError('a search index document is not JSON', { cause: error });
  }
}
