// The edges of a definition's state graph, shared by the Mermaid and DOT renderers.
import type { WorkflowDefinition } from '../definition/workflow-definition';

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export function edgesOf(definition: WorkflowDefinition): Edge[] {
  const edges: Edge[] = [];
  for (const node of definition.states.values()) {
    const from = node.name;
    for (const [event, handler] of node.on) {
      if (handler.target !== null)
        edges.push({ from, to: handler.target, label: handler.guard ? `${event} [guard]` : event });
    }
    if (node.invoke) {
      const tasks = node.invoke.tasks.map((t) => t.task).join(node.invoke.join === 'all' ? ' & ' : ' | ');
      edges.push({ from, to: node.invoke.onDone.target, label: `done(${tasks})` });
      edges.push({ from, to: node.invoke.onError.target, label: 'error' });
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
