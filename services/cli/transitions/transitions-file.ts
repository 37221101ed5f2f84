// The recorded transitions format: JSON lines, one per Transition envelope in topic order. Each line holds where
// the record was (partition, offset), the envelope's summary fields as the orchestrator wrote them, and `record`,
// the complete LogRecord. A bare LogRecord per line is accepted too; its summary is then the record itself.
import type { LogRecord } from '../../core';
import { fromTransitionEnvelope, type TransitionEnvelope } from '../../platform/codec/transition-envelope';
import { usageError } from '../cli-error';

export interface RecordedLine {
  readonly partition: number | null;
  readonly offset: string | null;
  readonly correlationId: string;
  readonly kind: string;
  readonly seq: number | null;
  readonly commandId: string;
  readonly at: number;
  readonly event: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly status: string | null;
  readonly record: LogRecord;
}

export function lineOf(partition: number, offset: string, envelope: TransitionEnvelope): RecordedLine {
  const { correlationId, kind, seq, commandId, at, event, from, to, status } = envelope;
  const record = fromTransitionEnvelope(envelope);
  return { partition, offset, correlationId, kind, seq, commandId, at, event, from, to, status, record };
}

export const formatLine = (line: RecordedLine): string => JSON.stringify(line);

/** Parses a whole file; blank lines are skipped, anything else that is not a line of this format is a usage error. */
export function parseLines(text: string, source: string): RecordedLine[] {
  const lines: RecordedLine[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    lines.push(parseLine(raw, `${source}:${index + 1}`));
  });
  return lines;
}

function parseLine(raw: string, where: string): RecordedLine {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw usageError(
      `${where}: not JSON (${error instanceof Error ? error.message : String(error)})`,
      'bad-json',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(`${where}: expected a JSON object`, 'bad-line');
  }
  const object = value as Record<string, unknown>;
  const record = (
    typeof object.record === 'object' && object.record !== null ? object.record : object
  ) as LogRecord;
  if (typeof record.kind !== 'string' || typeof record.correlationId !== 'string') {
    throw usageError(`${where}: not a log record (needs kind and correlationId)`, 'bad-line');
  }
  return object.record === undefined ? bare(record) : (object as unknown as RecordedLine);
}

function bare(record: LogRecord): RecordedLine {
  const moved = record.kind === 'transition' ? record : null;
  return {
    partition: null,
    offset: null,
    correlationId: record.correlationId,
    kind: record.kind,
    seq: moved?.seq ?? null,
    commandId: record.commandId,
    at: record.at,
    event: moved?.event ?? null,
    from: moved?.from ?? null,
    to: moved?.to ?? null,
    status: moved?.status ?? null,
    record,
  };
}
