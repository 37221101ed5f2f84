// The recorded history format shadow replay and migrate-dry-run read: JSON lines, one consumed command each, with
// the records it left in the transitions log (`{"command": {...}, "records": [...]}`), in partition order.
// `statewright shadow --record F` writes it from the topics; tests and teams may write it themselves.
import { parseCommand, type LogRecord } from '../../core';
import type { RecordedCommand } from '../../core/evolution';
import { usageError } from '../cli-error';

export const formatHistoryLine = (entry: RecordedCommand): string =>
  JSON.stringify({ command: entry.command, records: entry.records });

export function parseHistory(text: string, source: string): RecordedCommand[] {
  const history: RecordedCommand[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() !== '') history.push(parseEntry(raw, `${source}:${index + 1}`));
  });
  return history;
}

function parseEntry(raw: string, where: string): RecordedCommand {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw usageError(
      `${where}: not JSON (${error instanceof Error ? error.message : String(error)})`,
      'bad-json',
    );
  }
  const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const parsed = parseCommand(entry.command);
  if (!parsed.ok) throw usageError(`${where}: command: ${parsed.message}`, 'bad-line');
  const records = entry.records;
  if (!Array.isArray(records) || !records.every(isRecord)) {
    throw usageError(`${where}: records must be an array of log records (kind, correlationId)`, 'bad-line');
  }
  return { command: parsed.command, records: records as LogRecord[] };
}

const isRecord = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { kind?: unknown }).kind === 'string' &&
  typeof (value as { correlationId?: unknown }).correlationId === 'string';

/** The instances whose first transition (their start) was decided at or after `since`, epoch ms. */
export function startedSince(history: readonly RecordedCommand[], since: number): RecordedCommand[] {
  const started = new Map<string, number>();
  for (const { records } of history) {
    for (const record of records) {
      if (record.kind === 'transition' && record.seq === 1 && !started.has(record.correlationId))
        started.set(record.correlationId, record.at);
    }
  }
  return history.filter((entry) => (started.get(entry.command.correlationId) ?? -1) >= since);
}
