// Erasure: an admin command replaces the definition's sensitive fields of the context by the ERASED marker.
// It is a transition (event `erase`, same state), so every reader of the log sees the fields go.
import type { AdminCommand } from '../command/command';
import type { Instance } from '../instance/instance';
import { eraseFields } from '../json/sensitive-fields';
import type { Step } from './decision';
import { commit, draftOf } from './draft';
import type { DecideContext, Origin } from './origin';

export function decideErase(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: AdminCommand },
): Step {
  const draft = draftOf(ctx.def, instance, ctx.now, ctx.env);
  draft.context = eraseFields(instance.context, ctx.def.sensitive);
  return commit(draft, origin, 'erase');
}
