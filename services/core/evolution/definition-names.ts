// Names a definition uses that it does not declare: states, task types and events. The typed DSL makes these
// compile errors and `define` checks them, but a definition assembled by hand (generated, or from JavaScript)
// reaches the checker unchecked.
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { Finding } from './finding';

export function unknownNames(definition: WorkflowDefinition): Finding[] {
  const findings: Finding[] = [];
  const where = (what: string) => `${definition.name}@${definition.version} ${what}`;
  const state = (name: string, what: string) => {
    if (!definition.states.has(name))
      findings.push({
        kind: 'unknown-state',
        severity: 'error',
        where: where(what),
        message: `names state "${name}", which the definition does not hold`,
      });
  };
  const task = (type: string, what: string) => {
    if (!definition.tasks.has(type))
      findings.push({
        kind: 'unknown-task',
        severity: 'error',
        where: where(what),
        message: `names task type "${type}", which the definition does not declare`,
      });
  };
  const event = (name: string, what: string) => {
    if (!definition.events.has(name))
      findings.push({
        kind: 'unknown-event',
        severity: 'error',
        where: where(what),
        message: `names event "${name}", which the definition does not declare`,
      });
  };
  state(definition.initial, 'initial');
  if (definition.cancel !== null) state(definition.cancel, 'cancel');
  for (const name of definition.unaccepted.keys()) event(name, 'unaccepted');
  for (const node of definition.states.values()) {
    const at = `state ${node.name}`;
    for (const [name, handler] of node.on) {
      event(name, `${at} on ${name}`);
      if (handler.target !== null) state(handler.target, `${at} on ${name}`);
      handler.tasks.forEach((t) => task(t.task, `${at} on ${name}`));
    }
    if (node.invoke) {
      node.invoke.tasks.forEach((t) => task(t.task, `${at} invoke`));
      state(node.invoke.onDone.target, `${at} invoke onDone`);
      state(node.invoke.onError.target, `${at} invoke onError`);
    }
    if (node.after) state(node.after.target, `${at} after`);
    if (node.compensate) {
      state(node.compensate.onDone, `${at} compensate onDone`);
      state(node.compensate.onError, `${at} compensate onError`);
    }
  }
  for (const node of definition.tasks.values()) {
    if (node.compensation) task(node.compensation.task, `task ${node.type} compensation`);
  }
  return findings;
}
