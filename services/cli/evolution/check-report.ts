// The static checker's report as a person reads it: findings grouped by workflow version, errors first.
import type { Finding } from '../../core/evolution';
import { terminalText } from '../terminal-text';

export interface CheckedWorkflow {
  readonly workflow: string;
  readonly version: number;
  readonly findings: readonly Finding[];
}

export function checkReport(checked: readonly CheckedWorkflow[]): string {
  const lines: string[] = [];
  for (const { workflow, version, findings } of checked) {
    const errors = findings.filter((f) => f.severity === 'error').length;
    const summary =
      findings.length === 0 ? 'clean' : `${errors} error(s), ${findings.length - errors} warning(s)`;
    lines.push(`${workflow}@${version}: ${summary}`);
    const ordered = [...findings].sort((a, b) =>
      a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
    );
    for (const finding of ordered) {
      lines.push(`  ${finding.severity.padEnd(7)} ${finding.kind}  ${finding.where}: ${finding.message}`);
    }
  }
  const all = checked.flatMap((c) => c.findings);
  const errors = all.filter((f) => f.severity === 'error').length;
  lines.push(`${checked.length} definition(s), ${errors} error(s), ${all.length - errors} warning(s)`);
  return lines.map((line) => `${terminalText(line)}\n`).join('');
}
