// The static checker: what can be known about a definition without running it. Pure; reads the definition's
// graph only (guards are read as text for one finding, never called).
import type { StateNode, WorkflowDefinition } from '../definition/workflow-definition';
import { unknownNames } from './definition-names';
import type { Finding } from './finding';
import { exitsOf, ownExit, reachableFrom } from './state-paths';

export function checkWorkflow(definition: WorkflowDefinition): Finding[] {
  const reachable = reachableFrom(definition, [definition.initial]);
  const live = [...definition.states.values()].filter((node) => reachable.has(node.name));
  return [
    ...unknownNames(definition),
    ...unreachableStates(definition, reachable),
    ...trappedStates(definition, live),
    ...waitingStates(definition, live),
    ...uncompensatedSteps(definition, live),
    ...unacceptedEvents(definition),
    ...unusableGuardVerdicts(definition, live),
  ];
}

const whereOf = (definition: WorkflowDefinition, what: string) =>
  `${definition.name}@${definition.version} ${what}`;

function unreachableStates(definition: WorkflowDefinition, reachable: Set<string>): Finding[] {
  return [...definition.states.keys()]
    .filter((name) => !reachable.has(name))
    .map((name) => ({
      kind: 'unreachable-state',
      severity: 'error',
      where: whereOf(definition, `state ${name}`),
      message: `no path from the initial state "${definition.initial}" leads here (not by event, task outcome, timeout, compensation or cancel)`,
    }));
}

/** Non-final states from which the workflow, left to itself, can never finish (a cancel is not counted). */
function trappedStates(definition: WorkflowDefinition, live: readonly StateNode[]): Finding[] {
  const finals = [...definition.states.values()].filter((n) => n.final !== null).map((n) => n.name);
  const finishing = new Set<string>();
  for (const node of definition.states.values()) {
    const ends = reachableFrom(definition, [node.name], ownExit);
    if (finals.some((name) => ends.has(name))) finishing.add(node.name);
  }
  return live
    .filter((node) => node.final === null && !finishing.has(node.name))
    .map((node): Finding => {
      const out = exitsOf(definition, node).filter((exit) => ownExit(exit) && exit.to !== node.name);
      const cancel = definition.cancel !== null && node.compensate === null ? ' but a cancel' : '';
      return out.length === 0
        ? {
            kind: 'dead-end',
            severity: 'error',
            where: whereOf(definition, `state ${node.name}`),
            message: `is not final and has no way out${cancel}: an instance that enters it stays forever`,
          }
        : {
            kind: 'no-way-to-finish',
            severity: 'error',
            where: whereOf(definition, `state ${node.name}`),
            message: `is not final and no path from it reaches a final state${cancel}`,
          };
    });
}

/** A state waiting on events alone, with no `after`: it waits as long as no one sends one. */
function waitingStates(definition: WorkflowDefinition, live: readonly StateNode[]): Finding[] {
  return live
    .filter((node) => node.final === null && node.invoke === null && node.compensate === null)
    .filter((node) => node.after === null)
    .filter((node) => exitsOf(definition, node).some((exit) => ownExit(exit) && exit.to !== node.name))
    .map((node) => ({
      kind: 'waiting-without-timeout',
      severity: 'warning',
      where: whereOf(definition, `state ${node.name}`),
      message: `waits for ${[...node.on.keys()].join(', ')} with no \`after\` timeout: an event that never comes keeps the instance here`,
    }));
}

/**
 * A task with no compensation that completes inside a saga: a compensable step may have completed before it, and
 * a failure after it runs the compensations, which cannot undo this one. Tasks that run before any compensable
 * step are taken as checks (validation, lookups) and not reported.
 */
function uncompensatedSteps(definition: WorkflowDefinition, live: readonly StateNode[]): Finding[] {
  const compensable = (task: string) => definition.tasks.get(task)?.compensation != null;
  const afterCompensable = new Set<string>();
  for (const node of live) {
    if (node.invoke?.tasks.some((t) => compensable(t.task))) {
      afterCompensable.add(node.name);
      reachableFrom(definition, [node.invoke.onDone.target], ownExit).forEach((s) => afterCompensable.add(s));
    }
  }
  const findings: Finding[] = [];
  for (const node of live) {
    if (node.invoke === null || !afterCompensable.has(node.name)) continue;
    const later = reachableFrom(definition, [node.invoke.onDone.target], ownExit);
    const failsLater = [...later].some((name) => definition.states.get(name)?.compensate != null);
    if (!failsLater) continue;
    for (const { task } of node.invoke.tasks.filter((t) => !compensable(t.task))) {
      findings.push({
        kind: 'uncompensated-step',
        severity: 'warning',
        where: whereOf(definition, `state ${node.name} task ${task}`),
        message: `has no compensation, yet a later failure undoes the steps around it: declare one unless ${task} changes nothing`,
      });
    }
  }
  return findings;
}

function unacceptedEvents(definition: WorkflowDefinition): Finding[] {
  const accepted = new Set([...definition.states.values()].flatMap((node) => [...node.on.keys()]));
  return [...definition.events.keys()]
    .filter((event) => !accepted.has(event))
    .map((event) => ({
      kind: 'unaccepted-event',
      severity: 'warning',
      where: whereOf(definition, `event ${event}`),
      message:
        'is declared but no state accepts it: every such signal is refused, stashed for ever or ignored',
    }));
}

/** Guards are functions; their text is the only static trace of the verdicts they can give. */
const CANCEL_VERDICT = /verdict\.cancel\s*\(|kind\s*:\s*['"]cancel['"]/;

function unusableGuardVerdicts(definition: WorkflowDefinition, live: readonly StateNode[]): Finding[] {
  if (definition.cancel !== null) return [];
  const findings: Finding[] = [];
  for (const node of live) {
    for (const [event, handler] of node.on) {
      if (handler.guard === null || !CANCEL_VERDICT.test(handler.guard.toString())) continue;
      findings.push({
        kind: 'unusable-guard-verdict',
        severity: 'error',
        where: whereOf(definition, `state ${node.name} on ${event}`),
        message:
          'its guard can answer cancel, but the workflow declares no cancel state: that verdict is always refused',
      });
    }
  }
  return findings;
}
