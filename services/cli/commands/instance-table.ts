// `statewright list` as a table: one line per instance summary, columns as wide as their widest cell, names shown
// as terminal-safe text, and a last line saying how many matched and how to get the next page.
import { terminalText } from '../terminal-text';

export interface ListedInstance {
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  readonly state: string;
  readonly status: string;
  readonly seq: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface InstanceList {
  readonly items: readonly ListedInstance[];
  readonly count: number;
  readonly nextCursor: string | null;
}

const HEADER = ['CORRELATION ID', 'WORKFLOW', 'VERSION', 'STATE', 'STATUS', 'SEQ', 'STARTED', 'UPDATED'];

export function instanceTable(list: InstanceList): string {
  const rows = list.items.map((item) => [
    terminalText(item.correlationId),
    terminalText(item.workflow),
    String(item.version),
    terminalText(item.state),
    item.status,
    String(item.seq),
    new Date(item.createdAt).toISOString(),
    new Date(item.updatedAt).toISOString(),
  ]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const footer =
    list.nextCursor === null
      ? `${list.items.length} of ${list.count} shown`
      : `${list.items.length} of ${list.count} shown; next page: --cursor ${list.nextCursor}`;
  return [line(HEADER), ...rows.map(line), footer].join('\n');
}
