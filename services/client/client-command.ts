// The commands a client sends, built and checked without I/O: the command id derived from the actor and the
// idempotency key exactly as the gateway derives it, and the command parsed by the core's own `parseCommand`, so
// what the client accepts is what the orchestrator accepts.
import { parseCommand, type Command, type JsonValue } from '../core';
import { clientCommandId, IDEMPOTENCY_KEY } from '../platform/idempotency/client-command-id';
import { InvalidCommandError } from './client-errors';

export interface CommandOptions {
  /**
   * The caller's key for this one operation: sending it again (after a timeout, a crash, a redelivery) is a
   * duplicate the orchestrator applies once. 1 to 255 visible ASCII characters, as the gateway's header.
   */
  readonly idempotencyKey: string;
}

export interface StartOptions extends CommandOptions {
  /** A version of the workflow to start; the workflow's rollout rule chooses when absent. */
  readonly version?: number;
}

export interface CancelOptions extends CommandOptions {
  readonly reason?: string;
}

/** What a client command carries besides its own part. */
export interface Issuer {
  readonly actor: string;
  readonly now: number;
}

type CommandBody =
  | { readonly type: 'start'; readonly input: JsonValue; readonly version: number | null }
  | { readonly type: 'signal'; readonly event: string; readonly payload: JsonValue }
  | { readonly type: 'cancel'; readonly reason: string };

/** The command for `body`, or an InvalidCommandError saying what is wrong with it. */
export function clientCommand(
  issuer: Issuer,
  workflow: string,
  correlationId: string,
  body: CommandBody,
  { idempotencyKey }: CommandOptions,
): Command {
  const what = `${body.type} of ${JSON.stringify(workflow)} ${JSON.stringify(correlationId)}`;
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new InvalidCommandError(what, 'idempotencyKey must be 1 to 255 visible ASCII characters');
  }
  const parsed = parseCommand({
    ...body,
    commandId: clientCommandId(issuer.actor, idempotencyKey),
    correlationId,
    workflow,
    actor: issuer.actor,
    timestamp: issuer.now,
    expectedSeq: null,
    sourceSeq: null,
  });
  if (!parsed.ok) throw new InvalidCommandError(what, parsed.message);
  return parsed.command;
}
