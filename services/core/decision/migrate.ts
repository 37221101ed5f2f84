// Migration: an admin command moves an instance to another version through the target version's declared
// migration function. The transition records the result, so replay never calls the function again.
import type { AdminCommand } from '../command/command';
import type { Instance } from '../instance/instance';
import { reason } from '../reason';
import type { Step } from './decision';
import { commit, draftOf } from './draft';
import { moveTo } from './motion';
import type { DecideContext, Origin } from './origin';
import { rejection } from './receipt';

/** `ctx.def` is the target version's definition. */
export function decideMigrate(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: AdminCommand },
): Step {
  const target = ctx.def;
  const unavailable = (message: string) =>
    rejection(instance, origin, reason('migration-unavailable', message), ctx.now);
  if (target.version === instance.version) return unavailable(`already at version ${target.version}`);
  const migrate = target.migrations.get(instance.version);
  if (migrate === undefined)
    return unavailable(`version ${target.version} declares no migration from ${instance.version}`);
  const result = migrate({ version: instance.version, state: instance.state, context: instance.context });
  if (!target.states.has(result.state)) return unavailable(`migration names unknown state "${result.state}"`);
  const draft = draftOf(target, instance, ctx.now, ctx.env);
  draft.version = target.version;
  draft.context = result.context;
  if (result.state !== instance.state) moveTo(draft, result.state);
  return commit(draft, origin, 'migrate', target.dedupe);
}
