// The Transition envelope on <prefix>.transitions: summary fields for consumers that filter, plus the whole
// log record as JSON, which is what replay folds.
import type { HealthRecord, LogRecord } from '../../core';
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

/** Any record of a partition's changelog: an instance's, or a task type's health (kind `health`). */
export type ChangelogRecord = LogRecord | HealthRecord;

export function toTransitionEnvelope(record: ChangelogRecord): TransitionEnvelope {
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

/**
 * The instance's log record inside an envelope; statewright wrote it, so only its JSON framing is checked. A
 * partition's health record is not an instance's: it is refused here as undecodable, which readers of instance
 * histories skip; the orchestrator's restore reads it with `fromChangelogEnvelope`.
 */
export function fromTransitionEnvelope(envelope: TransitionEnvelope): LogRecord {
  if (envelope.kind === 'health') {
    throw new UndecodableError(`${envelope.correlationId}: a partition health record, not an instance's`);
  }
  return fromChangelogEnvelope(envelope) as LogRecord;
}

/** Any changelog record inside an envelope, health records included. */
export function fromChangelogEnvelope(envelope: TransitionEnvelope): ChangelogRecord {
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
  return record as ChangelogRecord;
}
