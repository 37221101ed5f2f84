// A transition under construction: a private, mutable working copy of the instance that `seal` turns into a record.
import type { Environment } from '../environment';
import { runIdOf, taskIdOf, type CorrelationId, type TaskId } from '../ids';
import type {
  CompletedStep,
  DedupeWindow,
  Instance,
  InstanceStatus,
  OpenTask,
  TaskKind,
  TaskSource,
  Timer,
} from '../instance/instance';
import { toJson, type JsonValue } from '../json/json-value';
import type { Transition } from '../log/log-record';
import { appliedAt } from '../log/outcome';
import { DefinitionError } from '../definition/definition-error';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { Step, TaskRequest } from './decision';
import { evolve } from '../instance/evolve';
import { dedupeEntries, recordBase, type Origin } from './origin';

export interface Draft {
  readonly def: WorkflowDefinition;
  readonly base: Instance | undefined;
  readonly correlationId: CorrelationId;
  readonly incarnation: string | null;
  readonly seq: number;
  readonly now: number;
  version: number;
  state: string;
  context: unknown;
  status: InstanceStatus;
  timers: Timer[];
  tasks: OpenTask[];
  steps: CompletedStep[];
  via: string[];
  requests: TaskRequest[];
  nextIndex: number;
  /** The environment recorded with the transition: set when a guard looked at it or a circuit deferred a task. */
  env: Environment | null;
  /** The environment at hand: circuits decide whether a requested run is dispatched or deferred. */
  readonly sees: Environment;
  /** Runs this draft dispatched, per task type: half-open probes and in-flight limits count them. */
  readonly sent: Map<string, number>;
  /** Set while resuming a deferred run: it goes ahead of the runs still queued. */
  resuming: boolean;
}

export function draftOf(def: WorkflowDefinition, instance: Instance, now: number, sees: Environment): Draft {
  return {
    def,
    base: instance,
    correlationId: instance.correlationId,
    incarnation: instance.incarnation ?? null,
    seq: instance.seq + 1,
    now,
    version: instance.version,
    state: instance.state,
    context: instance.context,
    status: instance.status,
    timers: instance.timers.slice(),
    tasks: instance.openTasks.slice(),
    steps: instance.completed.slice(),
    via: [],
    requests: [],
    nextIndex: 0,
    env: null,
    sees,
    sent: new Map(),
    resuming: false,
  };
}

export function blankDraft(
  def: WorkflowDefinition,
  correlationId: CorrelationId,
  incarnation: string,
  context: unknown,
  now: number,
  sees: Environment,
): Draft {
  return {
    def,
    base: undefined,
    correlationId,
    incarnation,
    seq: 1,
    now,
    version: def.version,
    state: def.initial,
    context,
    status: 'running',
    timers: [],
    tasks: [],
    steps: [],
    via: [],
    requests: [],
    nextIndex: 0,
    env: null,
    sees,
    sent: new Map(),
    resuming: false,
  };
}

export function json(value: unknown, what: string): JsonValue {
  const clean = toJson(value);
  if (clean === undefined) throw new DefinitionError(`${what} is not a JSON value`);
  return clean;
}

/** Opens attempt 1 of a new task and requests it. */
export function openTask(
  draft: Draft,
  type: string,
  kind: TaskKind,
  input: unknown,
  source: TaskSource,
): OpenTask {
  const taskId = taskIdOf(draft.correlationId, draft.incarnation, draft.seq, draft.nextIndex++);
  const task: OpenTask = {
    taskId,
    type,
    kind,
    input: json(input, `input of task ${type}`),
    attempt: 1,
    runId: runIdOf(taskId, 1),
    waiting: false,
    draining: false,
    source,
  };
  draft.tasks.push(task);
  requestRun(draft, task);
  return task;
}

/**
 * Dispatches the task's current run, unless its type's circuit holds it: then the task is parked (no request,
 * the attempt kept) until a `task-resume` command dispatches it, and the transition records what was seen.
 */
export function requestRun(draft: Draft, task: OpenTask): void {
  const why = heldBy(draft, task.type);
  if (why !== null) {
    replaceTask(draft, { ...task, parked: { reason: why, since: draft.now } });
    draft.env = draft.sees;
    return;
  }
  draft.requests.push({
    taskId: task.taskId,
    runId: task.runId,
    attempt: task.attempt,
    type: task.type,
    input: task.input,
    correlationId: draft.correlationId,
    workflow: draft.def.name,
    version: draft.version,
    kind: task.kind,
  });
}

/**
 * Why a run of `type` is held now, or null when it goes: its circuit must be closed (or half-open with a probe
 * left), and under an in-flight limit the partition must have capacity, with no older run queued before it.
 */
function heldBy(draft: Draft, type: string): string | null {
  const used = draft.sent.get(type) ?? 0;
  const circuit = draft.sees.circuits?.[type];
  if (circuit !== undefined && circuit.phase !== 'closed') {
    if (circuit.phase === 'open' || used >= circuit.probesLeft)
      return `circuit of ${type} is ${circuit.phase}`;
  }
  const flow = draft.sees.flow?.[type];
  if (flow !== undefined) {
    if (!draft.resuming && flow.paced === true) return `rate of ${type}: paced`;
    if (!draft.resuming && flow.queued > 0) return `capacity of ${type}: queued behind ${flow.queued}`;
    if (flow.free !== null && used >= flow.free) return `capacity of ${type} is full`;
  }
  draft.sent.set(type, used + 1);
  return null;
}

export function replaceTask(draft: Draft, task: OpenTask): void {
  draft.tasks = draft.tasks.map((t) => (t.taskId === task.taskId ? task : t));
}

/** Closes a task and any retry timer it was waiting on; its later results are ignored. */
export function closeTask(draft: Draft, taskId: TaskId): void {
  draft.tasks = draft.tasks.filter((t) => t.taskId !== taskId);
  draft.timers = draft.timers.filter((t) => t.kind !== 'retry' || t.taskId !== taskId);
}

/** Turns the draft into a Transition by diffing it against the instance it started from. */
export function seal(
  draft: Draft,
  origin: Origin,
  event: string,
  window: DedupeWindow | null = null,
): Transition {
  const base = draft.base;
  const timers = base?.timers ?? [];
  const tasks = base?.openTasks ?? [];
  const steps = base?.completed ?? [];
  const command = origin.command;
  const common = recordBase(
    origin,
    draft.now,
    draft.env,
    dedupeEntries(origin, appliedAt(draft.seq), draft.now),
  );
  const cleared = timers.filter((t) => !draft.timers.includes(t)).map((t) => t.timerId);
  return {
    ...common,
    // The deciding definition's name, equal to the command's: the one string every instance started from it keeps.
    workflow: draft.def.name,
    kind: 'transition',
    seq: draft.seq,
    version: draft.version,
    event,
    from: base?.state ?? null,
    to: draft.state,
    via: draft.via,
    status: draft.status,
    context: json(draft.context, 'context'),
    timers: {
      set: draft.timers.filter((t) => !timers.includes(t)),
      clear: common.timers.clear.filter((id) => !cleared.includes(id)).concat(cleared),
    },
    tasks: {
      put: draft.tasks.filter((t) => !tasks.includes(t)),
      close: tasks.filter((t) => !draft.tasks.some((d) => d.taskId === t.taskId)).map((t) => t.taskId),
    },
    steps: {
      add: draft.steps.filter((s) => !steps.includes(s)),
      remove: steps.filter((s) => !draft.steps.some((d) => d.taskId === s.taskId)).map((s) => s.taskId),
    },
    sourceSeq: command.sourceSeq,
    issuedAt: command.timestamp,
    window,
  };
}

/** Seals the draft and folds it: the step of an applied command. */
export function commit(
  draft: Draft,
  origin: Origin,
  event: string,
  window: DedupeWindow | null = null,
): Step {
  const transition = seal(draft, origin, event, window);
  return {
    decision: { kind: 'applied', transitions: [transition], tasks: draft.requests },
    records: [transition],
    tasks: draft.requests,
    instance: evolve(draft.base, transition),
  };
}
