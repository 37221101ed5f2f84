// `statewright versions` as text: per workflow, one line per version with its live instances, the oldest one,
// the share of new instances it gets and whether it can be retired, then its live instances per state.
import { terminalText } from '../terminal-text';

export interface VersionRow {
  readonly version: number;
  readonly live: number;
  readonly byState: Readonly<Record<string, number>>;
  readonly oldest: { readonly correlationId: string; readonly startedAt: number } | null;
  readonly startShare: number;
  readonly receivesStarts: boolean;
  readonly retirable: boolean;
}

export type RolloutAnswer =
  | { readonly kind: 'latest' }
  | { readonly kind: 'pinned'; readonly version: number }
  | { readonly kind: 'canary'; readonly stable: number; readonly canary: number; readonly percent: number };

export interface WorkflowVersions {
  readonly workflow: string;
  readonly rollout: RolloutAnswer | null;
  readonly versions: readonly VersionRow[];
}

const HEADER = ['VERSION', 'LIVE', 'OLDEST LIVE', 'STARTED', 'NEW STARTS', 'RETIRABLE'];

export function ruleText(rule: RolloutAnswer | null): string {
  if (rule === null || rule.kind === 'latest') return 'newest version';
  if (rule.kind === 'pinned') return `pinned to ${rule.version}`;
  return `canary ${rule.canary} at ${rule.percent}%, stable ${rule.stable}`;
}

export function versionsTable(answer: WorkflowVersions): string {
  const rows = answer.versions.map((row) => [
    String(row.version),
    String(row.live),
    row.oldest === null ? '-' : terminalText(row.oldest.correlationId),
    row.oldest === null ? '-' : new Date(row.oldest.startedAt).toISOString(),
    row.receivesStarts ? `${row.startShare}%` : 'none',
    row.retirable ? 'yes' : 'no',
  ]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const states = answer.versions
    .filter((row) => row.live > 0)
    .map((row) => {
      const byState = Object.entries(row.byState)
        .map(([state, count]) => `${terminalText(state)} ${count}`)
        .join(', ');
      return `  v${row.version} live by state: ${byState}`;
    });
  const title = `${terminalText(answer.workflow)} (new instances: ${ruleText(answer.rollout)})`;
  return [title, line(HEADER), ...rows.map(line), ...states].join('\n');
}
