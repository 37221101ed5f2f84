// How long finished instances stay in the hot set (and Redis) per workflow, and the purge commands that end it.
// Purges go through the commands topic like any operator's, so each one is decided, logged and audited.
import type { AdminCommand, CommandId, Instance } from '../../core';

/** Milliseconds a finished instance stays, per workflow, with a fallback; null keeps it for ever. */
export interface HotRetention {
  readonly byWorkflow: Readonly<Record<string, number | null>>;
  readonly fallbackMs: number | null;
}

export const KEEP_FOREVER: HotRetention = { byWorkflow: {}, fallbackMs: null };

export const RETENTION_ACTOR = 'system:retention';

export function retentionOf(retention: HotRetention, workflow: string): number | null {
  return Object.hasOwn(retention.byWorkflow, workflow)
    ? (retention.byWorkflow[workflow] ?? null)
    : retention.fallbackMs;
}

/** The purge of a finished instance; its id names the seq, so a repeated sweep repeats the same command. */
export function retentionPurge(instance: Instance, now: number): AdminCommand {
  return {
    type: 'admin',
    action: 'purge',
    commandId: `purge:${instance.correlationId}:${instance.seq}` as CommandId,
    correlationId: instance.correlationId,
    workflow: instance.workflow,
    actor: RETENTION_ACTOR,
    timestamp: now,
    expectedSeq: instance.seq,
    sourceSeq: null,
  };
}
