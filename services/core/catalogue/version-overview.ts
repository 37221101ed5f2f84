// Per version of a workflow: its live instances, the share of new instances the rollout rule sends it, and whether
// it can be retired (nothing live, and no start goes to it). What `statewright versions` shows; pure, from counts
// the gateway's search index gives and the settings' rollout rule.
import type { RolloutRule } from '../registry/rollout-rule';
import { unreachable } from '../unreachable';

/** What the index knows of one version's live (running) instances. */
export interface LiveInstances {
  readonly version: number;
  readonly live: number;
  /** Live instances per state; states without any are left out. */
  readonly byState: Readonly<Record<string, number>>;
  readonly oldest: { readonly correlationId: string; readonly startedAt: number } | null;
}

export interface VersionOverview extends LiveInstances {
  /** Percent of new instances that start on this version. */
  readonly startShare: number;
  readonly receivesStarts: boolean;
  readonly retirable: boolean;
}

/**
 * Percent of new instances per version under `rule` (null: the deployed rule, the newest version). A version the
 * rule names but `versions` lacks gets nothing: starts on it would be refused.
 */
export function startShares(rule: RolloutRule | null, versions: readonly number[]): Map<number, number> {
  const shares = new Map(versions.map((version) => [version, 0]));
  const give = (version: number, percent: number) => {
    if (shares.has(version)) shares.set(version, (shares.get(version) ?? 0) + percent);
  };
  const effective = rule ?? { kind: 'latest' as const };
  switch (effective.kind) {
    case 'latest':
      if (versions.length > 0) give(Math.max(...versions), 100);
      break;
    case 'pinned':
      give(effective.version, 100);
      break;
    case 'canary':
      give(effective.canary, effective.percent);
      give(effective.stable, 100 - effective.percent);
      break;
    default:
      unreachable(effective);
  }
  return shares;
}

/** One row per version of `live` (ascending), with what the rule gives each. */
export function versionOverview(rule: RolloutRule | null, live: readonly LiveInstances[]): VersionOverview[] {
  const sorted = [...live].sort((a, b) => a.version - b.version);
  const shares = startShares(
    rule,
    sorted.map((entry) => entry.version),
  );
  return sorted.map((entry) => {
    const startShare = shares.get(entry.version) ?? 0;
    const receivesStarts = startShare > 0;
    return { ...entry, startShare, receivesStarts, retirable: entry.live === 0 && !receivesStarts };
  });
}
