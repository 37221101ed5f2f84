// Steps for commands that do not move the machine: each leaves one record (its receipt) in the instance's log,
// except input that is dead-lettered or addressed to no instance, which leaves none.
import type { Environment } from '../environment';
import { deferralTimerId } from '../ids';
import { evolve } from '../instance/evolve';
import type { Instance } from '../instance/instance';
import type { LogRecord } from '../log/log-record';
import type { Outcome } from '../log/outcome';
import type { Reason } from '../reason';
import type { Decision, Step } from './decision';
import type { SignalCommand } from '../command/command';
import { dedupeEntries, recordBase, type Origin } from './origin';

/** A step that records nothing: for dead letters, unknown instances and duplicates. */
export const unrecorded = (decision: Decision, instance: Instance | undefined): Step => ({
  decision,
  records: [],
  tasks: [],
  instance,
});

function recorded(decision: Decision, instance: Instance, record: LogRecord): Step {
  return { decision, records: [record], tasks: [], instance: evolve(instance, record) };
}

/**
 * A recorded rejection. `remember: false` keeps it out of the dedupe window: used for conflicts (the original
 * entry must stay) and for definition errors (a fixed definition may accept the same command later).
 */
export function rejection(
  instance: Instance,
  origin: Origin,
  reason: Reason,
  now: number,
  options: { readonly env?: Environment | null; readonly remember?: boolean } = {},
): Step {
  const outcome: Outcome = { kind: 'rejected', reason };
  const dedupe = options.remember === false ? [] : dedupeEntries(origin, outcome, now);
  const record: LogRecord = {
    ...recordBase(origin, now, options.env ?? null, dedupe),
    kind: 'rejection',
    reason,
  };
  return recorded({ kind: 'rejected', reason }, instance, record);
}

/** Keeps the command in a deferral timer; its firing re-decides the command through the command stream. */
export function deferral(
  instance: Instance,
  origin: Origin & { readonly command: SignalCommand },
  until: number,
  now: number,
  env: Environment,
): Step {
  const base = recordBase(origin, now, env, dedupeEntries(origin, { kind: 'deferred', until }, now));
  const timer = {
    kind: 'deferral' as const,
    timerId: deferralTimerId(instance.correlationId, origin.command.commandId, until),
    dueAt: until,
    command: origin.command,
    signature: origin.signature,
  };
  const record: LogRecord = {
    ...base,
    kind: 'deferral',
    until,
    timers: { set: [timer], clear: base.timers.clear },
  };
  return recorded({ kind: 'deferred', until }, instance, record);
}

export function stashing(
  instance: Instance,
  origin: Origin & { readonly command: SignalCommand },
  now: number,
): Step {
  const base = recordBase(origin, now, null, dedupeEntries(origin, { kind: 'stashed' }, now));
  const entry = { command: origin.command, signature: origin.signature, at: now };
  return recorded({ kind: 'stashed' }, instance, { ...base, kind: 'stashed', entry });
}

export function dismissal(instance: Instance, origin: Origin, note: string, now: number): Step {
  const base = recordBase(origin, now, null, dedupeEntries(origin, { kind: 'ignored', note }, now));
  return recorded({ kind: 'ignored', note }, instance, { ...base, kind: 'ignored', note });
}
