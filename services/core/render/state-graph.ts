// The edges of a definition's state graph, shared by the Mermaid and DOT renderers. They draw from the described
// form, so a definition from the team's code and one read from the catalogue look the same.
import { describeDefinition, type DescribedDefinition } from '../catalogue/described-definition';
import type { WorkflowDefinition } from '../definition/workflow-definition';

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** What the renderers draw: a definition, or its description from the catalogue. */
export type Drawable = WorkflowDefinition | DescribedDefinition;

export const describedOf = (drawable: Drawable): DescribedDefinition =>
  drawable.states instanceof Map
    ? describeDefinition(drawable as WorkflowDefinition)
    : (drawable as DescribedDefinition);

export function edgesOf(definition: DescribedDefinition): Edge[] {
  const edges: Edge[] = [];
  for (const node of definition.states) {
    const from = node.name;
    for (const handler of node.on) {
      if (handler.target !== null)
        edges.push({
          from,
          to: handler.target,
          label: handler.guarded ? `${handler.event} [guard]` : handler.event,
        });
    }
    if (node.invoke) {
      const tasks = node.invoke.tasks.join(node.invoke.join === 'all' ? ' & ' : ' | ');
      edges.push({ from, to: node.invoke.onDone, label: `done(${tasks})` });
      edges.push({ from, to: node.invoke.onError, label: 'error' });
    }
    if (node.after) edges.push({ from, to: node.after.target, label: `after ${node.after.ms}ms` });
    if (node.compensate) {
      edges.push({ from, to: node.compensate.onDone, label: 'compensated' });
      edges.push({ from, to: node.compensate.onError, label: 'compensation failed' });
    }
    const cancellable = definition.cancel !== null && node.final === null && node.compensate === null;
    if (cancellable && definition.cancel !== null)
      edges.push({ from, to: definition.cancel, label: 'cancel' });
  }
  return edges;
}
