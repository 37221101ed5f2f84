// diagram: a workflow's state diagram as Mermaid or Graphviz DOT.
import { Option, type Command } from 'commander';
import { toDot, toMermaid, type Registry } from '../../core';
import { usageError } from '../cli-error';

export function addDiagramCommand(program: Command, registry: Registry): void {
  program
    .command('diagram <workflow>')
    .description("a workflow's state diagram")
    .addOption(
      new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'),
    )
    .option('--definition-version <n>', 'definition version (latest when absent)')
    .action((workflow: string, options: { format: 'mermaid' | 'dot'; definitionVersion?: string }) => {
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
