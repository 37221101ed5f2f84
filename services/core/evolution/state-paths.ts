// The ways out of each state of a definition, for the checker: where an instance can go next and why. Edges to
// states the definition does not hold are left out (the checker reports them as unknown names).
import type { StateNode, WorkflowDefinition } from '../definition/workflow-definition';

export type ExitKind =
  'event' | 'done' | 'error' | 'timeout' | 'compensated' | 'compensation-failed' | 'cancel';

export interface Exit {
  readonly to: string;
  readonly kind: ExitKind;
}

/** Where `node` can lead, a cancel included when the workflow can be cancelled from it. */
export function exitsOf(definition: WorkflowDefinition, node: StateNode): Exit[] {
  const exits: Exit[] = [];
  for (const handler of node.on.values()) {
    if (handler.target !== null) exits.push({ to: handler.target, kind: 'event' });
  }
  if (node.invoke) {
    exits.push({ to: node.invoke.onDone.target, kind: 'done' });
    exits.push({ to: node.invoke.onError.target, kind: 'error' });
  }
  if (node.after) exits.push({ to: node.after.target, kind: 'timeout' });
  if (node.compensate) {
    exits.push({ to: node.compensate.onDone, kind: 'compensated' });
    exits.push({ to: node.compensate.onError, kind: 'compensation-failed' });
  }
  if (definition.cancel !== null && node.final === null && node.compensate === null) {
    exits.push({ to: definition.cancel, kind: 'cancel' });
  }
  return exits.filter((exit) => definition.states.has(exit.to));
}

/** The states reachable from `from` (itself included) through exits that `follow` accepts. */
export function reachableFrom(
  definition: WorkflowDefinition,
  from: readonly string[],
  follow: (exit: Exit) => boolean = () => true,
): Set<string> {
  const seen = new Set<string>(from.filter((name) => definition.states.has(name)));
  const queue = [...seen];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const node = definition.states.get(name);
    if (node === undefined) continue;
    for (const exit of exitsOf(definition, node)) {
      if (follow(exit) && !seen.has(exit.to)) {
        seen.add(exit.to);
        queue.push(exit.to);
      }
    }
  }
  return seen;
}

/** A cancel is an operator's or a guard's way out, not one the workflow takes by itself. */
export const ownExit = (exit: Exit): boolean => exit.kind !== 'cancel';
