// A V8 .cpuprofile (node --cpu-prof) summed by function: self time per function, the top few printed with the
// bench's results, the profile itself kept beside them. Self time of a node is its hit count times the sampling
// interval. Samples taken while the event loop waited ("(idle)") are left out. The samples are taken on the wall
// clock, so a function's share also holds the time its thread was blocked, or waited for a core, inside it.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { distRoot, resultsDir } from './bench-rig';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface SelfTime {
  /** `function (file:line)`, the file relative to the project when it is inside it. */
  readonly function: string;
  readonly self_ms: number;
  readonly self_pct: number;
}

const IDLE = '(idle)';

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const file = url.replace(/^file:\/\//, '').replace(`${root}/`, '');
  return `${name} (${file}:${lineNumber + 1})`;
}

/**
 * Self time by function, most first. Time per sample comes from the samples' time deltas when present (they
 * are exact), else from the profile's span spread over its hits.
 */
export function selfTimes(profile: CpuProfile, root = ''): SelfTime[] {
  const byNode = new Map<number, number>();
  if (profile.samples !== undefined && profile.timeDeltas !== undefined) {
    // timeDeltas[i] is the time before sample i; the time a sample stands for is the delta after it.
    profile.samples.forEach((id, i) => {
      const micros = profile.timeDeltas![i + 1] ?? 0;
      byNode.set(id, (byNode.get(id) ?? 0) + Math.max(0, micros));
    });
  } else {
    const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const perHit = hits === 0 ? 0 : (profile.endTime - profile.startTime) / hits;
    for (const node of profile.nodes) byNode.set(node.id, (node.hitCount ?? 0) * perHit);
  }
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = byNode.get(node.id) ?? 0;
    if (micros === 0 || node.callFrame.functionName === IDLE) continue;
    const name = label(node, root);
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const total = [...byFunction.values()].reduce((sum, micros) => sum + micros, 0);
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .map(([name, micros]) => ({
      function: name,
      self_ms: Number((micros / 1000).toFixed(1)),
      self_pct: total === 0 ? 0 : Number(((100 * micros) / total).toFixed(1)),
    }));
}

export interface KeptProfile {
  /** The profile's copy, relative to the project. */
  readonly file: string;
  readonly top: SelfTime[];
}

/**
 * Copies the profile a process wrote at `written` to bench/results/`name` and sums it by function; prints the
 * `top` functions by self time under `title`.
 */
export function keepProfile(written: string, name: string, top: number, title: string): KeptProfile {
  if (!existsSync(written)) throw new Error(`no profile was written to ${written}`);
  const root = path.resolve(distRoot, '..');
  const file = path.join(resultsDir, name);
  copyFileSync(written, file);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const kept = { file: path.relative(root, file), top: selfTimes(profile, root).slice(0, top) };
  process.stdout.write(`${title}, top ${top} by self time:\n`);
  for (const entry of kept.top)
    process.stdout.write(
      `  ${String(entry.self_pct).padStart(5)} %  ${entry.self_ms} ms  ${entry.function}\n`,
    );
  process.stdout.write(`profile written to ${file}\n`);
  return kept;
}
