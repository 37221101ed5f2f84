// Shadow replay's report as a person reads it: totals, then each divergent instance at its first divergence,
// recorded against candidate.
import type { Divergence, RecordSummary, ShadowReport } from '../../core/evolution';
import { terminalText } from '../terminal-text';

export function shadowReport(report: ShadowReport, threshold: number): string {
  const kinds = Object.entries(report.byKind).map(([kind, count]) => `${kind} ${count}`);
  const lines = [
    `checked ${report.instancesChecked} instance(s), ${report.commandsChecked} command(s); ` +
      `${report.divergences.length} divergent (threshold ${threshold})` +
      (report.skipped > 0 ? `; ${report.skipped} skipped (workflow not in the candidate)` : '') +
      (report.incomplete > 0 ? `; ${report.incomplete} incomplete (history cut before the start)` : ''),
  ];
  if (kinds.length > 0) lines.push(`by kind: ${kinds.join(', ')}`);
  for (const divergence of report.divergences) lines.push(...divergenceLines(divergence));
  return lines.map((line) => `${terminalText(line)}\n`).join('');
}

function divergenceLines(d: Divergence): string[] {
  const command = [d.command.type, d.command.detail].filter((part) => part !== null).join(' ');
  const lines = [
    `DIVERGES ${d.correlationId} (${d.workflow}@${d.version}) ${d.kind}: at seq ${d.seq} in ${d.state ?? '(none)'}, ` +
      `on ${command} [${d.command.commandId}]`,
    `  recorded:  ${outcome(d.recorded)}`,
    `  candidate: ${outcome(d.candidate)}`,
  ];
  if (d.contextPaths.length > 0) lines.push(`  context differs at: ${d.contextPaths.join(', ')}`);
  return lines;
}

function outcome(records: readonly RecordSummary[]): string {
  if (records.length === 0) return 'no record';
  return records.map(recordText).join('; ');
}

function recordText(r: RecordSummary): string {
  const parts: string[] = [r.kind === 'transition' ? `→ ${r.to} (${r.status})` : r.kind];
  if (r.reason !== null) parts.push(r.reason);
  if (r.tasks.length > 0) parts.push(`tasks ${r.tasks.join(', ')}`);
  if (r.timers.set.length > 0) parts.push(`timers set ${r.timers.set.join(', ')}`);
  if (r.timers.clear.length > 0) parts.push(`timers cleared ${r.timers.clear.length}`);
  return parts.join(' ');
}
