// diagram: a workflow's state diagram as Mermaid or Graphviz DOT, from the definitions catalogue the orchestrators
// publish, or from the team's workflows module when one is named (--workflows or STATEWRIGHT_WORKFLOWS).
import { Option, type Command } from 'commander';
import { toDot, toMermaid, type Drawable } from '../../core';
import { ModuleError } from '../../platform/workflows/module-error';
import { WORKFLOWS_MODULE } from '../../platform/workflows/module-argument';
import { loadWorkflows } from '../../platform/workflows/workflows-module';
import { usageError } from '../cli-error';
import { readCatalogue } from './catalogue-source';
import { kafkaConnectionOf, withKafka, type KafkaOptions } from './log-commands';

interface DiagramOptions extends KafkaOptions {
  readonly format: 'mermaid' | 'dot';
  readonly definitionVersion?: string;
  readonly workflows?: string;
}

/** What the diagram is drawn from: the registry of a module, or the catalogue; both answer alike. */
interface DrawableSource {
  has(name: string): boolean;
  names(): string[];
  versions(name: string): number[];
  get(name: string, version: number): Drawable | undefined;
}

export function addDiagramCommand(program: Command): void {
  withKafka(program.command('diagram <workflow>'))
    .description("a workflow's state diagram, from the definitions catalogue (or a workflows module)")
    .addOption(
      new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'),
    )
    .option('--definition-version <n>', 'definition version (latest when absent)')
    .option(
      '--workflows <module>',
      `draw from this module instead of the catalogue (env ${WORKFLOWS_MODULE.env})`,
    )
    .action(async (workflow: string, options: DiagramOptions) => {
      const source = await sourceOf(options);
      if (!source.has(workflow)) {
        const known = source.names();
        throw usageError(
          `unknown workflow ${workflow}; known: ${known.length === 0 ? '(none)' : known.join(', ')}`,
          'unknown-workflow',
        );
      }
      const version =
        options.definitionVersion === undefined
          ? Math.max(...source.versions(workflow))
          : Number(options.definitionVersion);
      const definition = source.get(workflow, version);
      if (definition === undefined) {
        throw usageError(
          `no version ${options.definitionVersion} of ${workflow}; known: ${source.versions(workflow).join(', ')}`,
          'unknown-version',
        );
      }
      process.stdout.write(options.format === 'dot' ? toDot(definition) : toMermaid(definition));
    });
}

async function sourceOf(options: DiagramOptions): Promise<DrawableSource> {
  const path = options.workflows ?? process.env[WORKFLOWS_MODULE.env];
  if (path === undefined || path === '') return readCatalogue(kafkaConnectionOf(options, process.env));
  try {
    return await loadWorkflows(path);
  } catch (error) {
    if (error instanceof ModuleError) throw usageError(error.message, 'bad-module');
    throw error;
  }
}
