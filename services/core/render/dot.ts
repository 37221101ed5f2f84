// Graphviz DOT of a definition: final states double circles, compensation states dashed.
import { describedOf, edgesOf, type Drawable } from './state-graph';

export function toDot(drawable: Drawable): string {
  const definition = describedOf(drawable);
  const quote = (text: string) => JSON.stringify(text);
  const lines = [
    `digraph ${quote(`${definition.name}@${definition.version}`)} {`,
    '  rankdir=LR;',
    '  node [shape=box, style=rounded];',
    '  __start [shape=point];',
    `  __start -> ${quote(definition.initial)};`,
  ];
  for (const node of definition.states) {
    if (node.final !== null)
      lines.push(`  ${quote(node.name)} [shape=doublecircle, xlabel=${quote(node.final)}];`);
    else if (node.compensate !== null) lines.push(`  ${quote(node.name)} [style="rounded,dashed"];`);
  }
  for (const edge of edgesOf(definition)) {
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [label=${quote(edge.label)}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
