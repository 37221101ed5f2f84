// Turns a typed spec into the runtime definition and checks what types cannot (duplicate names, JS callers, casts).
import type { z } from 'zod';
import { DEFAULT_DEDUPE_WINDOW } from '../instance/dedupe-window';
import { DefinitionError } from './definition-error';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
import type { DefineSpec, EventSchemas, RetrySpec, SetupSpec, StateSpec, TaskInvocation } from './spec';
import type {
  HandlerNode,
  InvokeNode,
  Migration,
  StateNode,
  TaskInvocationNode,
  TaskNode,
  UnacceptedPolicy,
  WorkflowDefinition,
} from './workflow-definition';

type AnySetup = SetupSpec<unknown, z.ZodType, EventSchemas, string>;
type AnySpec = DefineSpec<unknown, unknown, EventSchemas, string, string>;
type AnyState = StateSpec<unknown, EventSchemas, string, string>;

const DEFAULT_STASH_LIMIT = 16;

export function buildDefinition(setupSpec: AnySetup, spec: AnySpec): WorkflowDefinition {
  const definition: WorkflowDefinition = {
    name: spec.name,
    version: spec.version,
    initial: spec.initial,
    input: setupSpec.input,
    context: spec.context,
    states: new Map(Object.entries(spec.states).map(([name, state]) => [name, stateNode(name, state)])),
    events: new Map(
      Object.entries(setupSpec.events).map(([name, schema]) => [name, schema === true ? null : schema]),
    ),
    tasks: new Map(Object.entries(setupSpec.tasks).map(([type, task]) => [type, taskNode(type, task)])),
    cancel: spec.cancel ?? null,
    unaccepted: new Map(Object.entries(spec.unaccepted ?? {}) as [string, UnacceptedPolicy][]),
    stashLimit: spec.stashLimit ?? DEFAULT_STASH_LIMIT,
    dedupe: spec.dedupe ?? DEFAULT_DEDUPE_WINDOW,
    onStartExisting: spec.onStartExisting ?? 'reject',
    startGuard: (spec.startGuard as WorkflowDefinition['startGuard'] | undefined) ?? null,
    sensitive: spec.sensitive ?? [],
    migrations: new Map(
      Object.entries(spec.migrations ?? {}).map(([from, migrate]) => [Number(from), migrate as Migration]),
    ),
  };
  validate(definition);
  return definition;
}

function stateNode(name: string, state: AnyState): StateNode {
  const on = new Map<string, HandlerNode>();
  for (const [event, handler] of Object.entries(state.on ?? {})) {
    if (handler === undefined) continue;
    on.set(event, {
      target: handler.target ?? null,
      guard: (handler.guard as HandlerNode['guard']) ?? null,
      update: (handler.update as HandlerNode['update']) ?? null,
      tasks: (handler.tasks ?? []).map(invocation),
    });
  }
  return {
    name,
    on,
    invoke: state.invoke ? invokeNode(state.invoke) : null,
    after: state.after
      ? { ms: state.after.ms, target: state.after.target, update: state.after.update ?? null }
      : null,
    compensate: state.compensate ?? null,
    final: state.final ?? null,
  };
}

function invokeNode(invoke: NonNullable<AnyState['invoke']>): InvokeNode {
  const target = <U>(t: string | { target: string; update?: U }) =>
    typeof t === 'string' ? { target: t, update: null } : { target: t.target, update: t.update ?? null };
  return {
    tasks: invoke.tasks.map(invocation),
    join: invoke.join ?? 'all',
    onDone: target(invoke.onDone),
    onError: target(invoke.onError),
  };
}

function invocation(spec: TaskInvocation<unknown, string>): TaskInvocationNode {
  return {
    task: spec.task,
    input: spec.input ?? null,
    assign: (spec.assign as TaskInvocationNode['assign']) ?? null,
  };
}

function taskNode(type: string, spec: AnySetup['tasks'][string]): TaskNode {
  return {
    type,
    retry: retryPolicy(type, spec.retry ?? {}),
    compensation: spec.compensation
      ? { task: spec.compensation.task, input: (spec.compensation.input as never) ?? null }
      : null,
  };
}

function retryPolicy(type: string, spec: RetrySpec): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...spec };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new DefinitionError(`task ${type}: maxAttempts must be a positive integer`);
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 1))
    throw new DefinitionError(`task ${type}: jitter must be in [0, 1]`);
  return policy;
}

function validate(definition: WorkflowDefinition): void {
  const where = `${definition.name}@${definition.version}`;
  const state = (name: string, what: string) => {
    if (!definition.states.has(name))
      throw new DefinitionError(`${where}: ${what} names unknown state "${name}"`);
  };
  const task = (type: string, what: string) => {
    if (!definition.tasks.has(type))
      throw new DefinitionError(`${where}: ${what} names unknown task "${type}"`);
  };
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new DefinitionError(`${where}: version must be a positive integer`);
  }
  state(definition.initial, 'initial');
  if (definition.cancel !== null) state(definition.cancel, 'cancel');
  for (const node of definition.states.values()) validateState(node, state, task, definition);
  for (const node of definition.tasks.values()) {
    if (node.compensation) task(node.compensation.task, `compensation of ${node.type}`);
  }
}

function validateState(
  node: StateNode,
  state: (name: string, what: string) => void,
  task: (type: string, what: string) => void,
  definition: WorkflowDefinition,
): void {
  const at = `state ${node.name}`;
  for (const [event, handler] of node.on) {
    if (!definition.events.has(event)) throw new DefinitionError(`${at} handles undeclared event "${event}"`);
    if (handler.target !== null) state(handler.target, `${at} on ${event}`);
    handler.tasks.forEach((t) => task(t.task, `${at} on ${event}`));
  }
  if (node.invoke) {
    node.invoke.tasks.forEach((t) => task(t.task, `${at} invoke`));
    state(node.invoke.onDone.target, `${at} onDone`);
    state(node.invoke.onError.target, `${at} onError`);
  }
  if (node.after) state(node.after.target, `${at} after`);
  if (node.compensate) {
    state(node.compensate.onDone, `${at} compensate.onDone`);
    state(node.compensate.onError, `${at} compensate.onError`);
  }
  const roles = [node.invoke, node.compensate, node.final].filter((r) => r !== null).length;
  if (roles > 1) throw new DefinitionError(`${at}: invoke, compensate and final exclude each other`);
}
