// Mermaid stateDiagram-v2 of a definition, for docs and the admin UI.
import { describedOf, edgesOf, type Drawable } from './state-graph';

export function toMermaid(drawable: Drawable): string {
  const definition = describedOf(drawable);
  const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['stateDiagram-v2', `  [*] --> ${id(definition.initial)}`];
  for (const node of definition.states) {
    if (id(node.name) !== node.name) lines.push(`  state "${node.name}" as ${id(node.name)}`);
  }
  for (const edge of edgesOf(definition)) {
    lines.push(`  ${id(edge.from)} --> ${id(edge.to)}: ${edge.label.replace(/[:;]/g, ' ')}`);
  }
  for (const node of definition.states) {
    if (node.final !== null) lines.push(`  ${id(node.name)} --> [*]`);
  }
  return lines.join('\n') + '\n';
}
