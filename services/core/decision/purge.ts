// Purge: an admin command removes a finished instance from the hot set. The purge record stays in its log, so
// replay forgets the instance at the same point; a later start with the same correlation id begins anew.
import type { AdminCommand } from '../command/command';
import type { Instance } from '../instance/instance';
import type { LogRecord } from '../log/log-record';
import { reason } from '../reason';
import type { Step } from './decision';
import { recordBase, type DecideContext, type Origin } from './origin';
import { rejection } from './receipt';

export function decidePurge(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: AdminCommand },
): Step {
  if (instance.status === 'running') {
    const why = reason('not-finished', `${instance.correlationId} is still running`);
    return rejection(instance, origin, why, ctx.now);
  }
  const record: LogRecord = {
    ...recordBase(origin, ctx.now, null, []),
    kind: 'purged',
    seq: instance.seq,
  };
  return {
    decision: { kind: 'applied', transitions: [], tasks: [] },
    records: [record],
    tasks: [],
    instance: undefined,
  };
}
