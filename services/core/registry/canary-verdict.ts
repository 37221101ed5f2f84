// Whether a canary rollout goes back to its stable version: the candidate's failure rate against the stable
// version's, over the instances that finished since the rule came into force (within a window). Pure: the
// orchestrator's canary watch gathers finished instances from the transitions log and publishes the revert.
import { settingsKey, type WorkflowSettingsCommand } from '../command/command';
import { commandId, correlationId } from '../ids';
import type { TerminalStatus } from '../instance/instance';
import type { RolloutRule } from './rollout-rule';
import type { WorkflowSettings } from './workflow-settings';

export interface CanaryPolicy {
  /** Only instances that finished this long ago at most count. */
  readonly windowMs: number;
  /** Finished canary instances needed before the canary is judged at all. */
  readonly minFinished: number;
  /** How far the canary's failure rate may exceed the stable one's (0.1: ten points) before it is reverted. */
  readonly margin: number;
}

export const DEFAULT_CANARY_POLICY: CanaryPolicy = { windowMs: 15 * 60_000, minFinished: 20, margin: 0.1 };

/** The actor of an automatic rollback, in its settings and audit records. */
export const CANARY_ACTOR = 'system:canary';

/** An instance's last transition: the version it ended on, how, and when. */
export interface FinishedInstance {
  readonly version: number;
  readonly status: TerminalStatus;
  readonly at: number;
}

/** Endings that count against a version; a cancel is the caller's choice, not the version's failure. */
export const isFailure = (status: TerminalStatus): boolean =>
  status === 'failed' || status === 'compensated' || status === 'timed_out';

export interface Tally {
  readonly version: number;
  readonly finished: number;
  readonly failed: number;
}

export type CanaryVerdict =
  | { readonly kind: 'no-canary' }
  | { readonly kind: 'watching'; readonly canary: Tally; readonly stable: Tally }
  | { readonly kind: 'revert'; readonly canary: Tally; readonly stable: Tally; readonly reason: string };

type CanaryRule = Extract<RolloutRule, { kind: 'canary' }>;

/**
 * Judges the workflow's canary rule (if it has one) on the instances that finished since `since`, the time the
 * rule was set, and within the policy's window before `now`.
 */
export function judgeCanary(
  settings: WorkflowSettings,
  since: number,
  finished: Iterable<FinishedInstance>,
  now: number,
  policy: CanaryPolicy,
): CanaryVerdict {
  const rule = settings.rollout;
  if (rule?.kind !== 'canary') return { kind: 'no-canary' };
  const from = Math.max(since, now - policy.windowMs);
  const counted = [...finished].filter((instance) => instance.at >= from && instance.at <= now);
  const canary = tally(rule.canary, counted);
  const stable = tally(rule.stable, counted);
  if (canary.finished < policy.minFinished) return { kind: 'watching', canary, stable };
  if (rate(canary) <= rate(stable) + policy.margin) return { kind: 'watching', canary, stable };
  return { kind: 'revert', canary, stable, reason: reasonOf(rule, canary, stable, from, policy) };
}

/**
 * The settings command that sends new instances back to the stable version. Its id is keyed to the revision it
 * reverts, so every orchestrator that saw the same evidence writes the same command (a duplicate after the
 * first), and its expectedSeq makes it void once the settings changed again.
 */
export function canaryRevert(
  workflow: string,
  settings: WorkflowSettings,
  verdict: Extract<CanaryVerdict, { kind: 'revert' }>,
  now: number,
): WorkflowSettingsCommand {
  return {
    commandId: commandId(`canary-revert:${workflow}:${settings.revision}`),
    correlationId: correlationId(settingsKey(workflow)),
    workflow,
    actor: CANARY_ACTOR,
    timestamp: now,
    expectedSeq: settings.revision,
    sourceSeq: null,
    type: 'workflow-settings',
    rollout: { kind: 'pinned', version: verdict.stable.version },
    dedupe: undefined,
    reason: verdict.reason,
  };
}

const tally = (version: number, finished: readonly FinishedInstance[]): Tally => {
  const ofVersion = finished.filter((instance) => instance.version === version);
  return {
    version,
    finished: ofVersion.length,
    failed: ofVersion.filter((instance) => isFailure(instance.status)).length,
  };
};

/** A version with nothing finished yet has failed nothing. */
const rate = (t: Tally): number => (t.finished === 0 ? 0 : t.failed / t.finished);

const percent = (value: number): string => `${Math.round(value * 1000) / 10}%`;

function reasonOf(
  rule: CanaryRule,
  canary: Tally,
  stable: Tally,
  from: number,
  policy: CanaryPolicy,
): string {
  return (
    `canary version ${rule.canary} failed ${canary.failed} of ${canary.finished} finished instances ` +
    `(${percent(rate(canary))}), stable version ${rule.stable} ${stable.failed} of ${stable.finished} ` +
    `(${percent(rate(stable))}), since ${new Date(from).toISOString()}; the margin is ` +
    `${percent(policy.margin)}: new instances start on version ${rule.stable} again`
  );
}
