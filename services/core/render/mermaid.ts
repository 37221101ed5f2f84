// Mermaid stateDiagram-v2 of a definition, for docs and the admin UI.
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { edgesOf } from './state-graph';

export function toMermaid(definition: WorkflowDefinition): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['stateDiagram-v2', `  [*] --> ${id(definition.initial)}`];
  for (const node of definition.states.values()) {
    if (id(node.name) !== node.name) lines.push(`  state "${node.name}" as ${id(node.name)}`);
  }
  for (const edge of edgesOf(definition)) {
    lines.push(`  ${id(edge.from)} --> ${id(edge.to)}: ${edge.label.replace(/[:;]/g, ' ')}`);
  }
  for (const node of definition.states.values()) {
    if (node.final !== null) lines.push(`  ${id(node.name)} --> [*]`);
  }
  return lines.join('\n') + '\n';
}
