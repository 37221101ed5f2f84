// Signals: a named event with a payload. The current state's handler (guard, update, tasks, target) decides;
// an event the state does not handle follows the definition's policy for it: reject, stash or ignore.
import type { SignalCommand } from '../command/command';
import { asVerdict } from '../definition/guard-verdict';
import type { HandlerNode, WorkflowDefinition } from '../definition/workflow-definition';
import type { Instance } from '../instance/instance';
import { reason } from '../reason';
import { unreachable } from '../unreachable';
import type { Step } from './decision';
import { commit, draftOf, openTask } from './draft';
import { moveTo } from './motion';
import type { DecideContext, Origin } from './origin';
import { deferral, dismissal, rejection, stashing, unrecorded } from './receipt';

type SignalOrigin = Origin & { readonly command: SignalCommand };

export function decideSignal(ctx: DecideContext, instance: Instance, origin: SignalOrigin): Step {
  const command = origin.command;
  const payload = validPayload(ctx.def, command);
  if (!payload.ok) {
    const why = reason('invalid-payload', payload.message);
    // A command already kept (stash, deferral) must be resolved in the log, or it would be retried forever.
    const kept = origin.causation !== null;
    return kept
      ? rejection(instance, origin, why, ctx.now)
      : unrecorded({ kind: 'rejected', reason: why }, instance);
  }
  const handler = ctx.def.states.get(instance.state)?.on.get(command.event);
  if (handler === undefined) return unaccepted(ctx, instance, origin);
  return handle(ctx, instance, origin, handler, payload.value);
}

export function validPayload(def: WorkflowDefinition, command: SignalCommand) {
  if (!def.events.has(command.event)) {
    return { ok: false as const, message: `${def.name} has no event "${command.event}"` };
  }
  const schema = def.events.get(command.event);
  if (!schema) return { ok: true as const, value: command.payload as unknown };
  const parsed = schema.safeParse(command.payload);
  if (parsed.success) return { ok: true as const, value: parsed.data };
  return { ok: false as const, message: parsed.error.issues[0]?.message ?? 'invalid payload' };
}

function unaccepted(ctx: DecideContext, instance: Instance, origin: SignalOrigin): Step {
  const event = origin.command.event;
  const policy = ctx.def.unaccepted.get(event) ?? 'reject';
  switch (policy) {
    case 'reject':
      return rejection(
        instance,
        origin,
        reason('not-accepted', `${event} is not accepted in ${instance.state}`),
        ctx.now,
      );
    case 'ignore':
      return dismissal(instance, origin, `${event} is ignored in ${instance.state}`, ctx.now);
    case 'stash':
      if (instance.stash.length >= ctx.def.stashLimit) {
        return rejection(
          instance,
          origin,
          reason('stash-full', `stash holds ${ctx.def.stashLimit} events`),
          ctx.now,
        );
      }
      return stashing(instance, origin, ctx.now);
    default:
      return unreachable(policy);
  }
}

function handle(
  ctx: DecideContext,
  instance: Instance,
  origin: SignalOrigin,
  handler: HandlerNode,
  payload: unknown,
): Step {
  const env = handler.guard ? ctx.env : null;
  if (handler.guard) {
    const answer = asVerdict(handler.guard(instance.context, payload, ctx.env));
    switch (answer.kind) {
      case 'allow':
        break;
      case 'reject':
        return rejection(instance, origin, reason('guard-rejected', answer.reason), ctx.now, { env });
      case 'defer':
        return deferral(instance, origin, ctx.now + Math.max(0, answer.ms), ctx.now, ctx.env);
      case 'defer-until':
        return deferral(instance, origin, Math.max(ctx.now, answer.until), ctx.now, ctx.env);
      case 'cancel':
        return cancelByGuard(ctx, instance, origin, answer.reason);
      default:
        return unreachable(answer);
    }
  }
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  draft.env = env;
  if (handler.update) draft.context = handler.update(draft.context, payload);
  handler.tasks.forEach((invocation, index) => {
    const input = invocation.input ? invocation.input(draft.context) : draft.context;
    openTask(draft, invocation.task, 'action', input, {
      kind: 'on',
      state: instance.state,
      event: origin.command.event,
      index,
    });
  });
  if (handler.target !== null) moveTo(draft, handler.target);
  return commit(draft, origin, origin.command.event);
}

function cancelByGuard(ctx: DecideContext, instance: Instance, origin: SignalOrigin, why: string): Step {
  if (ctx.def.cancel === null) {
    const message = `guard asked to cancel (${why}) but ${ctx.def.name} cannot be cancelled`;
    return rejection(instance, origin, reason('guard-rejected', message), ctx.now, { env: ctx.env });
  }
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  draft.env = ctx.env;
  moveTo(draft, ctx.def.cancel);
  return commit(draft, origin, origin.command.event);
}
