// Moving a draft between states: exit clears the state's timer and abandons its tasks; entry sets the timer,
// opens the invoked tasks, starts compensation, or finishes the instance.
import { timeoutTimerId, type TaskId } from '../ids';
import type { JsonValue } from '../json/json-value';
import type { OpenTask } from '../instance/instance';
import { DefinitionError } from '../definition/definition-error';
import type { StateNode } from '../definition/workflow-definition';
import { closeTask, json, openTask, replaceTask, type Draft } from './draft';

/** Entering states without a command in between (a compensation with nothing to undo) stops here. */
const MAX_PASS_THROUGH = 32;

export function stateOf(draft: Draft, name: string): StateNode {
  const node = draft.def.states.get(name);
  if (node === undefined)
    throw new DefinitionError(`${draft.def.name}@${draft.def.version} has no state "${name}"`);
  return node;
}

export function moveTo(draft: Draft, target: string): void {
  exit(draft);
  enter(draft, target);
}

function exit(draft: Draft): void {
  const leaving = draft.state;
  draft.timers = draft.timers.filter((t) => t.kind !== 'timeout' || t.state !== leaving);
  for (const task of draft.tasks.slice()) {
    if (!ownedBy(task, leaving)) continue;
    if (mayHaveActed(draft, task)) replaceTask(draft, { ...task, draining: true });
    else closeTask(draft, task.taskId);
  }
}

/** An action in flight whose effect would need undoing: its outcome must be known before compensating. */
function mayHaveActed(draft: Draft, task: OpenTask): boolean {
  return (
    task.kind === 'action' &&
    !task.waiting &&
    !task.parked &&
    Boolean(draft.def.tasks.get(task.type)?.compensation)
  );
}

/** Invoked tasks belong to their state; compensation tasks to the compensation state that opened them. */
function ownedBy(task: OpenTask, state: string): boolean {
  return (
    (task.source.kind === 'invoke' && task.source.state === state) || task.source.kind === 'compensation'
  );
}

export function enter(draft: Draft, name: string): void {
  if (draft.via.length >= MAX_PASS_THROUGH)
    throw new DefinitionError(`state ${name}: too many states entered at once`);
  const node = stateOf(draft, name);
  draft.state = name;
  draft.via.push(name);
  if (node.final !== null) return finish(draft, node.final);
  if (node.after !== null) {
    const timerId = timeoutTimerId(draft.correlationId, draft.seq);
    draft.timers.push({ kind: 'timeout', timerId, dueAt: draft.now + node.after.ms, state: name });
  }
  if (node.invoke !== null) {
    node.invoke.tasks.forEach((invocation, index) => {
      const input = invocation.input ? invocation.input(draft.context) : draft.context;
      openTask(draft, invocation.task, 'action', input, { kind: 'invoke', state: name, index });
    });
  }
  if (node.compensate !== null) compensateNext(draft);
}

/** A final state ends everything still pending: timers and open tasks. */
function finish(draft: Draft, status: NonNullable<StateNode['final']>): void {
  draft.status = status;
  draft.timers = [];
  draft.tasks = [];
}

/**
 * Opens the undo of the latest completed step, or leaves through onDone when nothing is left to undo.
 * While actions left in flight are draining it waits: one of them may still succeed and need undoing.
 */
export function compensateNext(draft: Draft): void {
  const node = stateOf(draft, draft.state);
  if (node.compensate === null) throw new DefinitionError(`state ${node.name} is not a compensation state`);
  if (draft.tasks.some((t) => t.draining)) return;
  const step = draft.steps[draft.steps.length - 1];
  if (step === undefined) return moveTo(draft, node.compensate.onDone);
  openTask(draft, step.compensation.type, 'compensation', step.compensation.input, {
    kind: 'compensation',
    step: step.taskId,
  });
}

/** Records a completed action that can be undone, with its compensation input fixed now. */
export function rememberStep(draft: Draft, task: OpenTask, output: JsonValue): void {
  const compensation = draft.def.tasks.get(task.type)?.compensation;
  if (!compensation) return;
  const input = compensation.input
    ? compensation.input(draft.context, { input: task.input, output })
    : { input: task.input, output };
  draft.steps.push({
    taskId: task.taskId,
    type: task.type,
    compensation: { type: compensation.task, input: json(input, `compensation input of ${task.type}`) },
  });
}

export function forgetStep(draft: Draft, taskId: TaskId): void {
  draft.steps = draft.steps.filter((s) => s.taskId !== taskId);
}
