// A workflow version's figures, read without visiting instances: per state the instances in it, how many are stuck
// (in it longer than its timeout, or the configured threshold) and their ages in it, from the search index's
// sorted sets (a count or a rank read each); per edge its transitions and per state its dwells over a window, and
// the starts and ends, from the window's bucket hashes. Two round trips to Redis whatever the number of instances.
import type { Redis } from 'ioredis';
import type { DescribedDefinition, DescribedState } from '../../core';
import type { InstanceIndex } from '../search/instance-index';
import { dwellQuantile } from './dwell-histogram';
import { parseField, type FigureKeys } from './figure-keys';
import { windowBuckets, type FigureWindow } from './figure-window';

export interface Quantiles {
  readonly p50: number;
  readonly p95: number;
}

export interface StateFigures {
  readonly name: string;
  /** Instances in the state now. */
  readonly count: number;
  /** Of those, in it longer than `stuckAfterMs` (null for a final state). */
  readonly stuck: number | null;
  readonly stuckAfterMs: number | null;
  /** How long the instances in it now have been there (null for a final state or an empty one). */
  readonly age: Quantiles | null;
  /** How long the instances that left it within the window had stayed. */
  readonly dwell: (Quantiles & { readonly count: number }) | null;
}

export interface Flow {
  readonly starts: number;
  /** Instances that finished within the window, by the status they finished with. */
  readonly finished: Readonly<Record<string, number>>;
  readonly startsPerMinute: number;
  readonly completionsPerMinute: number;
  /** Failed or timed out, of those finished; null when none finished. */
  readonly failureRate: number | null;
  readonly compensationRate: number | null;
}

export interface VersionFigures {
  readonly workflow: string;
  readonly version: number;
  readonly window: FigureWindow;
  /** When the figures were read, and the span the window's buckets cover up to then. */
  readonly at: number;
  readonly spanMs: number;
  readonly states: readonly StateFigures[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly count: number }[];
  readonly flow: Flow;
  readonly oldestRunning: { readonly correlationId: string; readonly createdAt: number } | null;
}

/** What the figures need of a definition: its name, version and states with their timeouts. */
export interface FigureShape extends Pick<DescribedDefinition, 'name' | 'version'> {
  readonly states: readonly Pick<DescribedState, 'name' | 'final' | 'after'>[];
}

type Reply = [Error | null, unknown][] | null;

export class WorkflowFigures {
  constructor(
    private readonly redis: Redis,
    private readonly keys: FigureKeys,
    private readonly index: InstanceIndex,
    private readonly stuckAfterMs: number,
  ) {}

  async read(definition: FigureShape, window: FigureWindow, now: number): Promise<VersionFigures> {
    const { name: workflow, version } = definition;
    const { size, buckets, spanMs } = windowBuckets(window, now);
    const sets = definition.states.map((state) =>
      this.index.keys.sortedBy(this.index.keys.state(state.name, workflow, version), 'updated'),
    );
    const thresholds = definition.states.map((state) =>
      state.final === null ? (state.after?.ms ?? this.stuckAfterMs) : null,
    );
    const first = this.redis.multi();
    sets.forEach((set, i) => {
      first.zcard(set);
      const threshold = thresholds[i];
      if (threshold !== null && threshold !== undefined) first.zcount(set, '-inf', `(${now - threshold}`);
    });
    const running = this.index.keys.sortedBy(this.index.keys.status('running', workflow, version), 'started');
    first.zrange(running, '0', '0', 'WITHSCORES');
    for (const bucket of buckets) first.hgetall(this.keys.bucket(workflow, version, size, bucket));
    const replies = values(await first.exec());
    const counts: number[] = [];
    const stuck: (number | null)[] = [];
    let at = 0;
    thresholds.forEach((threshold) => {
      counts.push(Number(replies[at++]));
      stuck.push(threshold === null ? null : Number(replies[at++]));
    });
    const [oldestId, oldestScore] = replies[at++] as string[];
    const hashes = replies.slice(at) as Record<string, string>[];
    const ages = await this.ages(sets, counts, thresholds, now);
    const totals = sumFields(hashes);
    const states = definition.states.map((state, i) => ({
      name: state.name,
      count: counts[i] ?? 0,
      stuck: stuck[i] ?? null,
      stuckAfterMs: thresholds[i] ?? null,
      age: ages[i] ?? null,
      dwell: dwellOf(totals.dwells.get(state.name)),
    }));
    return {
      workflow,
      version,
      window,
      at: now,
      spanMs,
      states,
      edges: totals.edges,
      flow: flowOf(totals.flows, spanMs),
      oldestRunning:
        oldestId === undefined ? null : { correlationId: oldestId, createdAt: Number(oldestScore) },
    };
  }

  /** The median and 95th percentile age of each non-final state's instances: two ranks of its sorted set. */
  private async ages(
    sets: readonly string[],
    counts: readonly number[],
    thresholds: readonly (number | null)[],
    now: number,
  ): Promise<(Quantiles | null)[]> {
    const multi = this.redis.multi();
    const asked = sets.map((set, i) => {
      const n = counts[i] ?? 0;
      if (thresholds[i] === null || n === 0) return false;
      // Ages ascending are scores descending: the q-quantile age is at ascending rank n - ceil(q n).
      for (const q of [0.5, 0.95]) {
        const rank = String(n - Math.ceil(q * n));
        multi.zrange(set, rank, rank, 'WITHSCORES');
      }
      return true;
    });
    if (!asked.some(Boolean)) return sets.map(() => null);
    const replies = values(await multi.exec()) as string[][];
    let at = 0;
    return asked.map((was) => {
      if (!was) return null;
      const [p50, p95] = [replies[at++], replies[at++]].map((reply) => now - Number(reply?.[1] ?? now));
      return { p50: Math.max(0, p50 ?? 0), p95: Math.max(0, p95 ?? 0) };
    });
  }
}

function values(replies: Reply): unknown[] {
  return (replies ?? []).map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
}

interface Totals {
  readonly edges: { from: string; to: string; count: number }[];
  readonly dwells: Map<string, Map<number, number>>;
  readonly flows: Map<string, number>;
}

function sumFields(hashes: readonly Record<string, string>[]): Totals {
  const edges = new Map<string, { from: string; to: string; count: number }>();
  const dwells = new Map<string, Map<number, number>>();
  const flows = new Map<string, number>();
  for (const hash of hashes) {
    for (const [name, value] of Object.entries(hash)) {
      const parsed = parseField(name);
      const n = Number(value);
      if (parsed === undefined) continue;
      if (parsed.kind === 'edge') {
        const edge = edges.get(name) ?? { from: parsed.from, to: parsed.to, count: 0 };
        edges.set(name, { ...edge, count: edge.count + n });
      } else if (parsed.kind === 'dwell') {
        const histogram = dwells.get(parsed.state) ?? new Map<number, number>();
        histogram.set(parsed.bucket, (histogram.get(parsed.bucket) ?? 0) + n);
        dwells.set(parsed.state, histogram);
      } else flows.set(parsed.what, (flows.get(parsed.what) ?? 0) + n);
    }
  }
  return { edges: [...edges.values()], dwells, flows };
}

function dwellOf(histogram: Map<number, number> | undefined): StateFigures['dwell'] {
  if (histogram === undefined) return null;
  const p50 = dwellQuantile(histogram, 0.5);
  const p95 = dwellQuantile(histogram, 0.95);
  if (p50 === undefined || p95 === undefined) return null;
  return { p50, p95, count: [...histogram.values()].reduce((sum, n) => sum + n, 0) };
}

const FINISHED = ['completed', 'failed', 'cancelled', 'compensated', 'timed_out'] as const;

function flowOf(flows: ReadonlyMap<string, number>, spanMs: number): Flow {
  const finished = Object.fromEntries(FINISHED.map((status) => [status, flows.get(status) ?? 0]));
  const ended = FINISHED.reduce((sum, status) => sum + (flows.get(status) ?? 0), 0);
  const starts = flows.get('start') ?? 0;
  const minutes = Math.max(spanMs, 1) / 60_000;
  const rate = (n: number) => (ended === 0 ? null : n / ended);
  return {
    starts,
    finished,
    startsPerMinute: starts / minutes,
    completionsPerMinute: (flows.get('completed') ?? 0) / minutes,
    failureRate: rate((flows.get('failed') ?? 0) + (flows.get('timed_out') ?? 0)),
    compensationRate: rate(flows.get('compensated') ?? 0),
  };
}
