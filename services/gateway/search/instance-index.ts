// The instance search index the gateway's projection keeps beside its read model: sorted sets by update and start
// time, a lexicographic set of ids, and one set per workflow, version, state and status (alone and combined), so a
// filter is an intersection of a few sets and never a scan. It follows the read model record by record.
import type { Redis } from 'ioredis';
import type { Instance } from '../../core';
import type { Position } from '../projection/read-model';
import { ReadModelError } from '../projection/read-model-error';
import type { IndexKeys } from './index-keys';
import { REMOVE_SCRIPT, SEARCH_SCRIPT, UPSERT_SCRIPT } from './index-scripts';
import { membershipsOf, STATUSES, summaryOf, type InstanceSummary } from './instance-summary';
import type { SearchPlan } from './search-plan';
import type { SearchQuery, TimeRange } from './search-query';

type Script = (...args: (string | number)[]) => Promise<unknown>;

/** What the index stores per id: the offset it reflects, and either the summary with its sets or a tombstone. */
interface IndexDocument {
  readonly o: number;
  readonly g?: 1;
  readonly s?: InstanceSummary;
  readonly k: readonly string[];
}

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
    const sets = membershipsOf(summary, this.keys);
    const doc: IndexDocument = { o: offset, s: summary, k: sets };
    const { docs, updated, started, ids } = this.keys;
    const keys = [docs, updated, started, ids, this.keys.statesOf(summary.workflow), ...sets];
    const argv = [summary.correlationId, offset, JSON.stringify(doc), summary.updatedAt, summary.createdAt];
    const written = await this.upsertScript(keys.length, ...keys, ...argv, summary.state);
    return written === 1;
  }

  /** The id leaves every set; a tombstone at `offset` keeps redelivered older records from bringing it back. */
  async remove(offset: number, correlationId: string): Promise<boolean> {
    const tombstone: IndexDocument = { o: offset, g: 1, k: [] };
    const { docs, updated, started, ids } = this.keys;
    const written = await this.removeScript(
      4,
      docs,
      updated,
      started,
      ids,
      ...[correlationId, offset],
      JSON.stringify(tombstone),
    );
    return written === 1;
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
    multi.scard(version === undefined ? this.keys.workflow(workflow) : this.keys.version(workflow, version));
    for (const state of states) multi.scard(this.keys.state(state, workflow, version));
    for (const status of STATUSES) multi.scard(this.keys.status(status, workflow, version));
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
