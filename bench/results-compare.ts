// BENCH_COMPARE: every figure of this run beside the same figure of an earlier results file, as a ratio
// (now / then), with the direction in which the figure is better. Figures are numeric leaves named by their
// path; entries of a list are named by what identifies them (concurrency, offered load, ...), not by position.

export type Better = 'higher' | 'lower';

export interface Comparison {
  readonly figure: string;
  readonly before: number;
  readonly after: number;
  /** after / before. */
  readonly ratio: number;
  readonly better: Better;
  /** The ratio turned so that above 1 is always an improvement. */
  readonly gain: number;
}

/** Fields that name an entry of a list, in the order they are used. */
const IDENTITIES = ['name', 'worker_processes', 'concurrency', 'offered_per_s', 'instances', 'level'];

/** Settings, identities and descriptions of the run, not results: never compared. */
const NOT_FIGURES = new RegExp(
  `(^|\\.)(${[...IDENTITIES, 'machine', 'settings', 'at', 'commands', 'workflows', 'measured', 'queries', 'limit', 'partitions', 'rounds', 'target_\\w+'].join('|')})$`,
);

function entryName(entry: unknown, index: number): string {
  if (typeof entry !== 'object' || entry === null) return String(index);
  const record = entry as Record<string, unknown>;
  const parts = IDENTITIES.filter(
    (key) => typeof record[key] === 'number' || typeof record[key] === 'string',
  ).map((key) => `${key}=${String(record[key])}`);
  return parts.length > 0 ? parts.join(',') : String(index);
}

/** Every finite number in `value`, by its path (`e2e.levels[worker_processes=1,concurrency=50].p99_ms`). */
export function figuresOf(value: unknown, at = ''): Map<string, number> {
  const figures = new Map<string, number>();
  const visit = (node: unknown, name: string): void => {
    if (NOT_FIGURES.test(name)) return;
    if (typeof node === 'number') {
      if (Number.isFinite(node)) figures.set(name, node);
    } else if (Array.isArray(node)) {
      node.forEach((entry, index) => visit(entry, `${name}[${entryName(entry, index)}]`));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) visit(child, name === '' ? key : `${name}.${key}`);
    }
  };
  visit(value, at);
  return figures;
}

/**
 * Whether a figure is better higher (throughput-like) or lower (latency-, cost- and size-like); undefined for a
 * figure that is neither (a count, an identity).
 */
export function betterOf(figure: string): Better | undefined {
  const leaf = figure.slice(figure.lastIndexOf('.') + 1);
  if (/(_tps|_per_s|^ratio)$/.test(leaf)) return 'higher';
  if (
    /(_ms|_seconds|_pct)$/.test(leaf) ||
    /(^|_)bytes(_|$)/.test(leaf) ||
    /(^|\.)(cpu_pct|per_process_ms)\./.test(figure)
  ) {
    return 'lower';
  }
  return undefined;
}

export function compareFigures(earlier: unknown, now: unknown): Comparison[] {
  const before = figuresOf(earlier);
  const comparisons: Comparison[] = [];
  for (const [figure, after] of figuresOf(now)) {
    const then = before.get(figure);
    const better = betterOf(figure);
    if (then === undefined || better === undefined || then === 0) continue;
    const ratio = after / then;
    comparisons.push({
      figure,
      before: then,
      after,
      ratio: Number(ratio.toFixed(3)),
      better,
      gain: Number((better === 'higher' ? ratio : 1 / ratio).toFixed(3)),
    });
  }
  return comparisons;
}

/** One line per figure: the ratio, which way is better, and whether this run did better or worse. */
export function comparisonLines(comparisons: readonly Comparison[]): string[] {
  return comparisons.map(({ figure, before, after, ratio, better, gain }) => {
    const verdict = gain > 1.05 ? 'better' : gain < 0.95 ? 'worse' : 'same';
    return `${figure}: ${after} vs ${before} → ×${ratio} (${better} is better: ${verdict})`;
  });
}
