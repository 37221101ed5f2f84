// The command a record resolves and how it got here (directly, released from the stash, or by its deferral timer).
import type { Command } from '../command/command';
import type { Environment } from '../environment';
import type { CommandId, TimerId } from '../ids';
import { hasDerivedId } from '../instance/dedupe-window';
import type { DedupeEntry } from '../instance/instance';
import type { RecordBase } from '../log/log-record';
import type { Outcome } from '../log/outcome';
import type { WorkflowDefinition } from '../definition/workflow-definition';

export interface Origin {
  readonly command: Command;
  readonly signature: string;
  /** The command being processed, when it is not `command` itself. */
  readonly causation: CommandId | null;
  /** A second command that shares this outcome in the dedupe window (the timer command that released a deferral: a derived id). */
  readonly alsoRemember: { readonly commandId: CommandId; readonly signature: string } | null;
  /** The deferral timer this resolution consumes. */
  readonly releases: TimerId | null;
}

/** What a decision needs besides the instance: the definition, the orchestrator's clock reading and environment. */
export interface DecideContext {
  readonly def: WorkflowDefinition;
  readonly now: number;
  readonly env: Environment;
}

export const directOrigin = (command: Command, signature: string): Origin => ({
  command,
  signature,
  causation: null,
  alsoRemember: null,
  releases: null,
});

export function dedupeEntries(origin: Origin, outcome: Outcome, at: number): DedupeEntry[] {
  const entry = { commandId: origin.command.commandId, signature: origin.signature, at, outcome };
  const own: DedupeEntry = hasDerivedId(origin.command) ? { ...entry, derived: true } : entry;
  if (origin.alsoRemember === null) return [own];
  return [own, { ...origin.alsoRemember, at, outcome, derived: true }];
}

/** Fields every record shares; `dedupe` is filled by the caller once the outcome is known. */
export function recordBase(
  origin: Origin,
  at: number,
  env: Environment | null,
  dedupe: readonly DedupeEntry[],
): RecordBase {
  return {
    correlationId: origin.command.correlationId,
    workflow: origin.command.workflow,
    commandId: origin.command.commandId,
    causation: origin.causation,
    actor: origin.command.actor,
    at,
    dedupe,
    timers: { set: [], clear: origin.releases === null ? [] : [origin.releases] },
    env,
  };
}
