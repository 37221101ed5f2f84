// A migration dry run as a person reads it: one line per instance that would fail, then the totals.
import type { MigrationDryRun } from '../../core/evolution';
import { terminalText } from '../terminal-text';

export function migrationReport(report: MigrationDryRun): string {
  const lines: string[] = [];
  for (const trial of report.trials) {
    if (!trial.ok)
      lines.push(
        `FAILS ${trial.correlationId} (v${trial.version}, ${trial.state}): ${trial.code}: ${trial.message}`,
      );
  }
  const moved = report.trials.filter((t) => t.ok).length;
  lines.push(
    `${report.workflow} → v${report.targetVersion}: tried ${report.tried} running instance(s), ` +
      `${moved} would migrate, ${report.failed} would fail; nothing was changed`,
  );
  return lines.map((line) => `${terminalText(line)}\n`).join('');
}
