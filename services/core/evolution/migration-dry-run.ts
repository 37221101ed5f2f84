// A migration tried on every instance of a version, in memory: each gets the admin migrate command the operator
// would send, decided by the pure core against the current instance, and nothing is recorded. The report lists
// the instances whose migration would be refused (the function throws, returns an unknown state, or the target
// declares no migration from their version) before anyone runs it for real.
import type { AdminCommand } from '../command/command';
import { decide } from '../decide';
import { EMPTY_ENVIRONMENT } from '../environment';
import type { CommandId } from '../ids';
import { evolve } from '../instance/evolve';
import type { Instance } from '../instance/instance';
import type { LogRecord } from '../log/log-record';
import type { Registry } from '../registry/registry';

export interface MigrationPlan {
  readonly workflow: string;
  readonly targetVersion: number;
  /** Only instances of this version (default: every version but the target). */
  readonly fromVersion?: number;
}

export type MigrationTrial =
  | {
      readonly ok: true;
      readonly correlationId: string;
      readonly version: number;
      readonly state: string;
      readonly to: string;
    }
  | {
      readonly ok: false;
      readonly correlationId: string;
      readonly version: number;
      readonly state: string;
      readonly code: string;
      readonly message: string;
    };

export interface MigrationDryRun {
  readonly workflow: string;
  readonly targetVersion: number;
  readonly tried: number;
  readonly failed: number;
  readonly trials: readonly MigrationTrial[];
}

export function migrationDryRun(
  registry: Registry,
  instances: Iterable<Instance>,
  plan: MigrationPlan,
  now: number,
): MigrationDryRun {
  const trials: MigrationTrial[] = [];
  for (const instance of instances) {
    if (instance.workflow !== plan.workflow || instance.version === plan.targetVersion) continue;
    if (plan.fromVersion !== undefined && instance.version !== plan.fromVersion) continue;
    // The core refuses to migrate a finished instance; only running ones can be moved.
    if (instance.status !== 'running') continue;
    trials.push(trial(registry, instance, plan.targetVersion, now));
  }
  const failed = trials.filter((t) => !t.ok).length;
  return { workflow: plan.workflow, targetVersion: plan.targetVersion, tried: trials.length, failed, trials };
}

function trial(registry: Registry, instance: Instance, targetVersion: number, now: number): MigrationTrial {
  const command: AdminCommand = {
    type: 'admin',
    action: 'migrate',
    targetVersion,
    commandId: `migrate-dry-run:${instance.correlationId}` as CommandId,
    correlationId: instance.correlationId,
    workflow: instance.workflow,
    actor: 'migrate-dry-run',
    timestamp: now,
    expectedSeq: instance.seq,
    sourceSeq: null,
  };
  const step = decide(registry, instance, command, now, EMPTY_ENVIRONMENT);
  const { correlationId, version, state } = instance;
  if (step.decision.kind === 'applied' && step.instance !== undefined)
    return { ok: true, correlationId, version, state, to: step.instance.state };
  const why =
    step.decision.kind === 'rejected'
      ? step.decision.reason
      : { code: step.decision.kind, message: `the migrate command was ${step.decision.kind}` };
  return { ok: false, correlationId, version, state, code: why.code, message: why.message };
}

/** The instances a log holds now: each one's records folded with `evolve`; purged ones are gone. */
export function foldInstances(records: Iterable<LogRecord>): Map<string, Instance> {
  const instances = new Map<string, Instance>();
  for (const record of records) {
    const next = evolve(instances.get(record.correlationId), record);
    if (next === undefined) instances.delete(record.correlationId);
    else instances.set(record.correlationId, next);
  }
  return instances;
}
