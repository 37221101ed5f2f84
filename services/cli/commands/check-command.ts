// check: the static checker over every definition of a team's workflows module. Exit 1 on errors (on warnings
// too with --strict), so a team runs it in CI and in its scaffolded test.
import type { Command } from 'commander';
import { checkWorkflow } from '../../core/evolution';
import { WORKFLOWS_MODULE } from '../../platform/workflows/module-argument';
import { CliError } from '../cli-error';
import { EXIT } from '../exit-codes';
import { checkReport, type CheckedWorkflow } from '../evolution/check-report';
import { definitionsOf, teamWorkflows } from '../evolution/team-workflows';

interface CheckOptions {
  readonly workflows?: string;
  readonly workflow?: string;
  readonly strict?: boolean;
  readonly json?: boolean;
}

export function addCheckCommand(program: Command): void {
  program
    .command('check [module]')
    .description('check workflow definitions statically: unreachable states, dead ends, missing timeouts, …')
    .option('--workflows <module>', `the module exporting the workflows (env ${WORKFLOWS_MODULE.env})`)
    .option('--workflow <name>', 'check this workflow only')
    .option('--strict', 'warnings fail too')
    .option('--json', 'print the findings as JSON')
    .action(async (module: string | undefined, options: CheckOptions) => {
      const path = module ?? options.workflows ?? process.env[WORKFLOWS_MODULE.env];
      const registry = await teamWorkflows(path, '--workflows');
      const checked: CheckedWorkflow[] = definitionsOf(registry, options.workflow).map((definition) => ({
        workflow: definition.name,
        version: definition.version,
        findings: checkWorkflow(definition),
      }));
      process.stdout.write(
        options.json === true ? `${JSON.stringify({ workflows: checked }, null, 2)}\n` : checkReport(checked),
      );
      const findings = checked.flatMap((c) => c.findings);
      const failing = findings.filter((f) => options.strict === true || f.severity === 'error').length;
      if (failing > 0) {
        const what = options.strict === true ? 'finding(s)' : 'error(s)';
        throw new CliError(`check found ${failing} ${what}`, 'check-failed', EXIT.failed);
      }
    });
}
