// Starting an instance: validate the input, build the initial context, enter the initial state (seq 1).
import type { StartCommand } from '../command/command';
import { asVerdict } from '../definition/guard-verdict';
import { incarnationOf } from '../ids';
import { reason } from '../reason';
import type { Step } from './decision';
import { blankDraft, commit } from './draft';
import { enter } from './motion';
import type { DecideContext, Origin } from './origin';
import { unrecorded } from './receipt';

export function decideStart(ctx: DecideContext, origin: Origin & { command: StartCommand }): Step {
  const command = origin.command;
  const input = ctx.def.input.safeParse(command.input);
  if (!input.success) {
    const message = input.error.issues[0]?.message ?? 'invalid input';
    return unrecorded({ kind: 'rejected', reason: reason('invalid-payload', message) }, undefined);
  }
  if (ctx.def.startGuard !== null) {
    const answer = asVerdict(ctx.def.startGuard(input.data, ctx.env));
    if (answer.kind !== 'allow') {
      const why = answer.kind === 'reject' ? answer.reason : `a start cannot ${answer.kind}: refused`;
      return unrecorded({ kind: 'rejected', reason: reason('guard-rejected', why) }, undefined);
    }
  }
  const incarnation = incarnationOf(command.commandId, command.timestamp);
  const draft = blankDraft(
    ctx.def,
    command.correlationId,
    incarnation,
    ctx.def.context(input.data),
    ctx.now,
    ctx.env,
  );
  if (ctx.def.startGuard !== null) draft.env = ctx.env;
  enter(draft, ctx.def.initial);
  return commit(draft, origin, 'start', ctx.def.dedupe);
}
