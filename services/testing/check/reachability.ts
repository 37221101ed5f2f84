// The definition's state graph (the edges the renderers draw: handlers, invoke done and error, timeouts,
// compensation, cancel): which states can still reach a final state, and how the initial state reaches a state.
import type { WorkflowDefinition } from '../../core';
import { describedOf, edgesOf, type Edge } from '../../core/render/state-graph';

export interface StateGraph {
  /** States from which some final state can be reached (finals included). */
  readonly finishing: ReadonlySet<string>;
  /** The edges from the initial state to `state`, shortest first; undefined when the graph never reaches it. */
  pathTo(state: string): readonly Edge[] | undefined;
  /** States the graph reaches from the initial state. */
  readonly reachable: ReadonlySet<string>;
}

export function stateGraph(definition: WorkflowDefinition): StateGraph {
  const edges = edgesOf(describedOf(definition));
  const finals = [...definition.states.values()].filter((s) => s.final !== null).map((s) => s.name);
  const finishing = closure(finals, (state) => edges.filter((e) => e.to === state).map((e) => e.from));
  const parent = new Map<string, Edge | null>([[definition.initial, null]]);
  const queue = [definition.initial];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const edge of edges.filter((e) => e.from === state && !parent.has(e.to))) {
      parent.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  const pathTo = (state: string): readonly Edge[] | undefined => {
    if (!parent.has(state)) return undefined;
    const path: Edge[] = [];
    for (let edge = parent.get(state); edge; edge = parent.get(edge.from)) path.unshift(edge);
    return path;
  };
  return { finishing, pathTo, reachable: new Set(parent.keys()) };
}

function closure(start: readonly string[], next: (state: string) => readonly string[]): Set<string> {
  const seen = new Set(start);
  const queue = [...start];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const other of next(state)) {
      if (!seen.has(other)) {
        seen.add(other);
        queue.push(other);
      }
    }
  }
  return seen;
}

export const describePath = (path: readonly Edge[]): string =>
  path.length === 0 ? '(the initial state)' : path.map((e) => `${e.from} --${e.label}--> ${e.to}`).join(', ');
