// Cancelling: go to the definition's cancel target (usually a compensation state ending in `cancelled`).
import type { CancelCommand } from '../command/command';
import type { Instance } from '../instance/instance';
import { reason } from '../reason';
import type { Step } from './decision';
import { commit, draftOf } from './draft';
import { moveTo, stateOf } from './motion';
import type { DecideContext, Origin } from './origin';
import { rejection } from './receipt';

export function decideCancel(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: CancelCommand },
): Step {
  const target = ctx.def.cancel;
  if (target === null) {
    return rejection(
      instance,
      origin,
      reason('not-accepted', `${ctx.def.name} cannot be cancelled`),
      ctx.now,
    );
  }
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  if (stateOf(draft, instance.state).compensate !== null) {
    return rejection(
      instance,
      origin,
      reason('not-accepted', `${instance.state} is already compensating`),
      ctx.now,
    );
  }
  moveTo(draft, target);
  return commit(draft, origin, 'cancel');
}
