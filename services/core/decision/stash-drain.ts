// Releasing the stash: after a command moved the machine, stashed events the new state accepts are decided,
// oldest first, each as its own command (its own transition, rejection or deferral), until none is accepted.
import type { SignalCommand } from '../command/command';
import type { Instance } from '../instance/instance';
import type { LogRecord, Transition } from '../log/log-record';
import { reason } from '../reason';
import type { CommandId } from '../ids';
import type { Step, TaskRequest } from './decision';
import type { DecideContext, Origin } from './origin';
import { rejection } from './receipt';
import { decideSignal } from './signal';

export function drainStash(ctx: DecideContext, step: Step, trigger: CommandId): Step {
  let instance = step.instance as Instance;
  if (instance.stash.length === 0) return step;
  const records: LogRecord[] = step.records.slice();
  const tasks: TaskRequest[] = step.tasks.slice();
  const tried = new Set<string>();
  for (;;) {
    const next = nextAccepted(ctx, instance, tried);
    if (next === undefined) break;
    tried.add(next.command.commandId);
    const origin: Origin & { command: SignalCommand } = {
      command: next.command,
      signature: next.signature,
      causation: trigger,
      alsoRemember: null,
      releases: null,
    };
    const released = decideReleased(ctx, instance, origin);
    records.push(...released.records);
    tasks.push(...released.tasks);
    instance = released.instance as Instance;
  }
  if (step.decision.kind !== 'applied') return step;
  const transitions = records.filter((r): r is Transition => r.kind === 'transition');
  return { decision: { kind: 'applied', transitions, tasks }, records, tasks, instance };
}

function nextAccepted(ctx: DecideContext, instance: Instance, tried: ReadonlySet<string>) {
  if (instance.status !== 'running') return undefined;
  const handlers = ctx.def.states.get(instance.state)?.on;
  if (handlers === undefined || handlers.size === 0) return undefined;
  return instance.stash.find((s) => handlers.has(s.command.event) && !tried.has(s.command.commandId));
}

/** A stashed event whose handler fails is rejected on its own; the command that released it stays applied. */
function decideReleased(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: SignalCommand },
): Step {
  try {
    return decideSignal(ctx, instance, origin);
  } catch (error) {
    const why = reason('definition-error', error instanceof Error ? error.message : String(error));
    return rejection(instance, origin, why, ctx.now);
  }
}
