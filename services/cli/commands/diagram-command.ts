// diagram: a workflow's state diagram as Mermaid or Graphviz DOT, from the team's workflows module.
import { Option, type Command } from 'commander';
import { toDot, toMermaid, type Registry } from '../../core';
import { ModuleError } from '../../platform/workflows/module-error';
import { WORKFLOWS_MODULE } from '../../platform/workflows/module-argument';
import { loadWorkflows } from '../../platform/workflows/workflows-module';
import { usageError } from '../cli-error';

interface DiagramOptions {
  readonly format: 'mermaid' | 'dot';
  readonly definitionVersion?: string;
  readonly workflows?: string;
}

export function addDiagramCommand(program: Command): void {
  program
    .command('diagram <workflow>')
    .description("a workflow's state diagram")
    .addOption(
      new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'),
    )
    .option('--definition-version <n>', 'definition version (latest when absent)')
    .option('--workflows <module>', `the module exporting the workflows (env ${WORKFLOWS_MODULE.env})`)
    .action(async (workflow: string, options: DiagramOptions) => {
      const registry = await workflowsOf(options.workflows ?? process.env[WORKFLOWS_MODULE.env]);
      if (!registry.has(workflow)) {
        throw usageError(
          `unknown workflow ${workflow}; known: ${registry.names().join(', ')}`,
          'unknown-workflow',
        );
      }
      const version =
        options.definitionVersion === undefined
          ? Math.max(...registry.versions(workflow))
          : Number(options.definitionVersion);
      const definition = registry.get(workflow, version);
      if (definition === undefined) {
        throw usageError(
          `no version ${options.definitionVersion} of ${workflow}; known: ${registry.versions(workflow).join(', ')}`,
          'unknown-version',
        );
      }
      process.stdout.write(options.format === 'dot' ? toDot(definition) : toMermaid(definition));
    });
}

async function workflowsOf(path: string | undefined): Promise<Registry> {
  if (path === undefined || path === '') {
    throw usageError(
      `name the workflows with --workflows <module> or ${WORKFLOWS_MODULE.env}`,
      'no-workflows',
    );
  }
  try {
    return await loadWorkflows(path);
  } catch (error) {
    if (error instanceof ModuleError) throw usageError(error.message, 'bad-module');
    throw error;
  }
}
