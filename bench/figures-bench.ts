// The live graph's figures at scale, beside the search bench's index: BENCH_FIGURES_TRANSITIONS (200,000)
// transitions spread over the last 24 hours added to the per-minute and per-hour buckets through the recorder the
// projection uses, then BENCH_SEARCH_QUERIES figure reads (every window, every workflow version in turn), each
// timed from the request to the decoded answer; p50/p95/p99 per window.
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { dwellBucket } from '../services/gateway/figures/dwell-histogram';
import { field, figureKeys } from '../services/gateway/figures/figure-keys';
import { WINDOWS, type FigureWindow } from '../services/gateway/figures/figure-window';
import { FiguresRecorder } from '../services/gateway/figures/figures-recorder';
import { WorkflowFigures, type FigureShape } from '../services/gateway/figures/workflow-figures';
import type { InstanceIndex } from '../services/gateway/search/instance-index';

export interface FiguresBenchShape {
  readonly workflows: readonly string[];
  readonly versions: number;
  readonly states: readonly string[];
}

type Percentiles = (samples: number[]) => { p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number };

const DAY = 86_400_000;

/** A version's states in a line, the last two final; every third one has a timeout. */
function shapeOf(workflow: string, version: number, states: readonly string[]): FigureShape {
  return {
    name: workflow,
    version,
    states: states.map((name, i) => ({
      name,
      final: i >= states.length - 2 ? 'completed' : null,
      after: i % 3 === 0 && i < states.length - 2 ? { ms: 600_000, target: states[i + 1]! } : null,
    })),
  };
}

/** The n-th transition: from one state to the next, a dwell, and a start or an end now and then. */
function incrementsOf(n: number, states: readonly string[]): Map<string, number> {
  const from = (n * 13) % (states.length - 1);
  const increments = new Map([
    [field.edge(states[from]!, states[from + 1]!), 1],
    [field.dwell(states[from]!, dwellBucket((n * 7_919) % 3_600_000)), 1],
  ]);
  if (from === 0) increments.set(field.flow('start'), 1);
  if (from + 1 >= states.length - 2) increments.set(field.flow(n % 10 === 0 ? 'failed' : 'completed'), 1);
  return increments;
}

export async function figuresBench(
  redis: Redis,
  index: InstanceIndex,
  prefix: string,
  shape: FiguresBenchShape,
  settings: { readonly transitions: number; readonly queries: number },
  percentiles: Percentiles,
): Promise<object> {
  const keys = figureKeys(prefix);
  const recorder = new FiguresRecorder(redis, keys, index);
  const versions = shape.workflows.flatMap((workflow) =>
    Array.from({ length: shape.versions }, (_, v) => shapeOf(workflow, v + 1, shape.states)),
  );
  const now = Date.now();
  const started = performance.now();
  const window = 2_000;
  for (let from = 0; from < settings.transitions; from += window) {
    const writes: Promise<void>[] = [];
    for (let n = from; n < Math.min(settings.transitions, from + window); n += 1) {
      const version = versions[n % versions.length]!;
      const at = now - ((n * 104_729) % DAY);
      writes.push(recorder.add(version.name, version.version, at, incrementsOf(n, shape.states)));
    }
    await Promise.all(writes);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `figures: ${settings.transitions} transitions bucketed in ${loadSeconds.toFixed(1)} s\n`,
  );
  const figures = new WorkflowFigures(redis, keys, index, 3_600_000);
  const byWindow = new Map<FigureWindow, number[]>(WINDOWS.map((w) => [w, []]));
  const all: number[] = [];
  let edges = 0;
  for (let i = 0; i < settings.queries; i += 1) {
    const windowOf = WINDOWS[i % WINDOWS.length]!;
    const version = versions[Math.floor(i / WINDOWS.length) % versions.length]!;
    const begin = performance.now();
    const answer = await figures.read(version, windowOf, Date.now());
    const took = performance.now() - begin;
    byWindow.get(windowOf)!.push(took);
    all.push(took);
    if (windowOf === '24h') edges += answer.edges.reduce((sum, edge) => sum + edge.count, 0);
  }
  return {
    transitions: settings.transitions,
    load_seconds: Number(loadSeconds.toFixed(2)),
    reads: percentiles(all),
    reads_by_window: Object.fromEntries([...byWindow].map(([w, samples]) => [w, percentiles(samples)])),
    // Transitions a 24 h read counted, on average: the reads saw the loaded buckets.
    edges_per_24h_read: Math.round(edges / Math.max(1, byWindow.get('24h')!.length)),
    target_p95_ms: 50,
  };
}
