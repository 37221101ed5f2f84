// The Command envelope on <prefix>.commands and its mapping to the core's command shape: `body` carries the
// type-specific fields as JSON, the envelope the fields every command has.
import type { Command } from '../../core';

export interface CommandEnvelope {
  readonly commandId: string;
  readonly correlationId: string;
  readonly workflow: string;
  readonly type: string;
  readonly actor: string;
  readonly timestamp: number;
  readonly expectedSeq: number | null;
  readonly sourceSeq: number | null;
  readonly body: string;
}

const ENVELOPE_FIELDS = new Set([
  'commandId',
  'correlationId',
  'workflow',
  'type',
  'actor',
  'timestamp',
  'expectedSeq',
  'sourceSeq',
]);

export function toCommandEnvelope(command: Command): CommandEnvelope {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(command)) if (!ENVELOPE_FIELDS.has(key)) body[key] = value;
  return {
    commandId: command.commandId,
    correlationId: command.correlationId,
    workflow: command.workflow,
    type: command.type,
    actor: command.actor,
    timestamp: command.timestamp,
    expectedSeq: command.expectedSeq,
    sourceSeq: command.sourceSeq,
    body: JSON.stringify(body),
  };
}

export type CommandShape =
  | { readonly ok: true; readonly command: Record<string, unknown> }
  | { readonly ok: false; readonly message: string };

/** The unvalidated command the core's `handle` parses; envelope fields win over body fields of the same name. */
export function fromCommandEnvelope(envelope: CommandEnvelope): CommandShape {
  let body: unknown;
  try {
    body = JSON.parse(envelope.body);
  } catch (error) {
    return { ok: false, message: `body is not JSON: ${String(error)}` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'body must be a JSON object' };
  }
  return {
    ok: true,
    command: {
      ...(body as Record<string, unknown>),
      commandId: envelope.commandId,
      correlationId: envelope.correlationId,
      workflow: envelope.workflow,
      type: envelope.type,
      actor: envelope.actor,
      timestamp: envelope.timestamp,
      expectedSeq: envelope.expectedSeq,
      sourceSeq: envelope.sourceSeq,
    },
  };
}
