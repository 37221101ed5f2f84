// The Transition envelope on <prefix>.transitions: summary fields for consumers that filter, plus the whole
// log record as JSON, which is what replay folds.
import type { LogRecord } from '../../core';
import { UndecodableError } from './codec-error';

export interface TransitionEnvelope {
  readonly correlationId: string;
  readonly workflow: string;
  readonly kind: string;
  readonly seq: number | null;
  readonly commandId: string;
  readonly causation: string | null;
  readonly actor: string;
  readonly at: number;
  readonly event: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly status: string | null;
  readonly record: string;
}

export function toTransitionEnvelope(record: LogRecord): TransitionEnvelope {
  const moved = record.kind === 'transition' ? record : null;
  return {
    correlationId: record.correlationId,
    workflow: record.workflow,
    kind: record.kind,
    seq: moved?.seq ?? null,
    commandId: record.commandId,
    causation: record.causation,
    actor: record.actor,
    at: record.at,
    event: moved?.event ?? null,
    from: moved?.from ?? null,
    to: moved?.to ?? null,
    status: moved?.status ?? null,
    record: JSON.stringify(record),
  };
}

/** The log record inside an envelope; statewright wrote it, so only its JSON framing is checked. */
export function fromTransitionEnvelope(envelope: TransitionEnvelope): LogRecord {
  let record: unknown;
  try {
    record = JSON.parse(envelope.record);
  } catch (error) {
    throw new UndecodableError(`transition record is not JSON: ${String(error)}`, { cause: error });
  }
  const kind = (record as { kind?: unknown } | null)?.kind;
  if (kind !== envelope.kind) {
    throw new UndecodableError(
      `transition record kind ${String(kind)} differs from envelope kind ${envelope.kind}`,
    );
  }
  return record as LogRecord;
}
