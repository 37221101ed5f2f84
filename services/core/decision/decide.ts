// decide: one command against one instance, answered with a decision, the records to log and the tasks to run.
// Pure and total: any input, however malformed, yields a Step; nothing here throws.
import { isPartitionCommand, type AdminCommand, type Command } from '../command/command';
import { signatureOf } from '../command/signature';
import type { Environment } from '../environment';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { recall } from '../instance/dedupe-window';
import type { Instance } from '../instance/instance';
import { reason, type Reason } from '../reason';
import { unreachable } from '../unreachable';
import { decideCancel } from './cancel';
import type { Step } from './decision';
import { decideErase } from './erase';
import { decideMigrate } from './migrate';
import { decidePurge } from './purge';
import { directOrigin, type DecideContext, type Origin } from './origin';
import { rejection, unrecorded } from './receipt';
import { decideSignal, validPayload } from './signal';
import { drainStash } from './stash-drain';
import { decideStart } from './start';
import { decideTaskResult } from './task-result';
import { decideTaskResume } from './task-resume';
import { decideRetryNow, decideTimerFired } from './timer-fired';

/**
 * Decides a command with the definition it needs: the instance's version, or for a new instance the version
 * chosen to start it, or for an `admin migrate` command the target version.
 */
export function decideCommand(
  def: WorkflowDefinition,
  instance: Instance | undefined,
  command: Command,
  now: number,
  env: Environment,
): Step {
  const ctx: DecideContext = { def, now, env };
  if (instance === undefined) return guarded(() => decideNew(ctx, command), undefined, null, now);
  if (command.correlationId !== instance.correlationId || command.workflow !== instance.workflow) {
    return unrecorded(rejected('invalid-command', 'command addressed to another instance'), instance);
  }
  const signature = signatureOf(command);
  const seen = recall(instance, command, now);
  const origin = directOrigin(command, signature);
  if (seen !== undefined) {
    if (seen.signature === signature)
      return unrecorded({ kind: 'duplicate', original: seen.outcome }, instance);
    const why = reason('conflict', `command ${command.commandId} was used before for a different operation`);
    return rejection(instance, origin, why, now, { remember: false });
  }
  return guarded(() => decideExisting(ctx, instance, origin), instance, origin, now);
}

function decideNew(ctx: DecideContext, command: Command): Step {
  if (command.type === 'admin' && command.action === 'purge') {
    // Purges are repeated by retention ticks and operators alike: a purged instance stays purged.
    return unrecorded({ kind: 'ignored', note: `no instance ${command.correlationId} to purge` }, undefined);
  }
  if (command.type === 'admin' && command.action === 'erase') {
    // A purged instance's log still holds its encrypted fields: erasing it deletes its data key all the same.
    return unrecorded({ kind: 'applied', transitions: [], tasks: [] }, undefined);
  }
  if (command.type === 'workflow-settings') {
    return unrecorded(rejected('invalid-command', SETTINGS_ELSEWHERE), undefined);
  }
  if (isPartitionCommand(command)) {
    return unrecorded(rejected('invalid-command', PARTITION_ELSEWHERE), undefined);
  }
  if (command.type !== 'start') {
    return unrecorded(rejected('unknown-instance', `no instance ${command.correlationId}`), undefined);
  }
  if (command.workflow !== ctx.def.name)
    return unrecorded(rejected('unknown-workflow', command.workflow), undefined);
  if (command.version !== null && command.version !== ctx.def.version) {
    return unrecorded(rejected('unknown-version', `${command.workflow}@${command.version}`), undefined);
  }
  return decideStart(
    ctx,
    directOrigin(command, signatureOf(command)) as Origin & { command: typeof command },
  );
}

function decideExisting(ctx: DecideContext, instance: Instance, origin: Origin): Step {
  const command = origin.command;
  const refuse = (code: Reason['code'], message: string) =>
    rejection(instance, origin, reason(code, message), ctx.now);
  if (command.type !== 'admin' && ctx.def.version !== instance.version) {
    return unrecorded(
      rejected('unknown-version', `definition ${ctx.def.version} given for version ${instance.version}`),
      instance,
    );
  }
  if (command.type === 'start') {
    if (ctx.def.onStartExisting === 'return-existing') {
      return unrecorded({ kind: 'duplicate', original: { kind: 'applied', seq: 1 } }, instance);
    }
    return refuse('already-started', `${instance.correlationId} exists`);
  }
  // Dead-letter checks depend on the command alone, so a copy of a dead-lettered command is dead-lettered too.
  if (command.type === 'signal') {
    const payload = validPayload(ctx.def, command);
    if (!payload.ok) return unrecorded(rejected('invalid-payload', payload.message), instance);
  }
  if (command.expectedSeq !== null && command.expectedSeq !== instance.seq) {
    return refuse('seq-mismatch', `expected seq ${command.expectedSeq}, instance is at ${instance.seq}`);
  }
  if (
    command.sourceSeq !== null &&
    instance.lastSourceSeq !== null &&
    command.sourceSeq <= instance.lastSourceSeq
  ) {
    return refuse('stale', `sourceSeq ${command.sourceSeq} is not newer than ${instance.lastSourceSeq}`);
  }
  // A finished instance has no timers or tasks left, so late timers and results are dismissed as such below.
  // Purge and erasure are meant for finished instances.
  const late =
    command.type === 'timer-fired' || command.type === 'task-result' || command.type === 'task-resume';
  const housekeeping = command.type === 'admin' && command.action !== 'migrate';
  if (instance.status !== 'running' && !late && !housekeeping)
    return refuse('finished', `${instance.correlationId} is ${instance.status}`);
  const step = dispatch(ctx, instance, origin);
  return step.decision.kind === 'applied' && step.instance !== undefined
    ? drainStash(ctx, step, command.commandId)
    : step;
}

function dispatch(ctx: DecideContext, instance: Instance, origin: Origin): Step {
  const command = origin.command;
  switch (command.type) {
    case 'signal':
      return decideSignal(ctx, instance, { ...origin, command });
    case 'cancel':
      return decideCancel(ctx, instance, { ...origin, command });
    case 'task-result':
      return decideTaskResult(ctx, instance, { ...origin, command });
    case 'timer-fired':
      return decideTimerFired(ctx, instance, { ...origin, command });
    case 'task-resume':
      return decideTaskResume(ctx, instance, { ...origin, command });
    case 'health-changed':
    case 'circuit-settings':
    case 'circuit-tripped':
      return unrecorded(rejected('invalid-command', PARTITION_ELSEWHERE), instance);
    case 'admin':
      return decideAdmin(ctx, instance, { ...origin, command });
    case 'start':
      return unrecorded(rejected('already-started', `${instance.correlationId} exists`), instance);
    case 'workflow-settings':
      return unrecorded(rejected('invalid-command', SETTINGS_ELSEWHERE), instance);
    case 'key-request':
    case 'key-rewrap':
      return unrecorded({ kind: 'ignored', note: `data key command ${command.type}` }, instance);
    default:
      return unreachable(command);
  }
}

function decideAdmin(
  ctx: DecideContext,
  instance: Instance,
  origin: Origin & { command: AdminCommand },
): Step {
  switch (origin.command.action) {
    case 'migrate':
      return decideMigrate(ctx, instance, origin);
    case 'retry':
      return decideRetryNow(ctx, instance, origin);
    case 'purge':
      return decidePurge(ctx, instance, origin);
    case 'erase':
      return decideErase(ctx, instance, origin);
    default:
      return unreachable(origin.command);
  }
}

/**
 * Definition code (guards, updates, inputs, migrations) may throw or return non-JSON. That is a fault of the
 * definition, not of the command: it becomes a `definition-error` rejection, recorded for an existing instance
 * but kept out of the dedupe window so a corrected definition can still apply the command.
 */
export function guarded(
  decideIt: () => Step,
  instance: Instance | undefined,
  origin: Origin | null,
  now: number,
): Step {
  try {
    return decideIt();
  } catch (error) {
    const why = reason('definition-error', error instanceof Error ? error.message : String(error));
    if (instance === undefined || origin === null)
      return unrecorded({ kind: 'rejected', reason: why }, instance);
    return rejection(instance, origin, why, now, { remember: false });
  }
}

const SETTINGS_ELSEWHERE = 'workflow settings are applied by the orchestrator, not decided for an instance';

const PARTITION_ELSEWHERE = 'partition commands are decided by decidePartition, not for an instance';

const rejected = (code: Reason['code'], message: string) => ({
  kind: 'rejected' as const,
  reason: reason(code, message),
});
