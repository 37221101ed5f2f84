// Which deferred runs the orchestrator should resume now, as `task-resume` commands: per task type, oldest
// deferral first; while closed at the rule's bounded rate, while open past its open time as many as the probes,
// while half-open as many probes as are left.
import type { TaskResumeCommand } from '../command/command';
import type { CommandId } from '../ids';
import type { Instance, InstanceOutline, OpenTask } from '../instance/instance';
import { resumeCommandId } from '../decision/task-resume';
import { DEFAULT_CIRCUIT_RULE } from './circuit-rule';
import { environmentOf, NO_LOAD, type PartitionHealth, type PartitionLoad } from './partition-health';

export const RESUME_ACTOR = 'statewright:circuit';

interface Parked {
  readonly instance: Instance;
  readonly task: OpenTask & { parked: NonNullable<OpenTask['parked']> };
}

export function parkedTasks(instance: Instance): Parked['task'][] {
  return instance.openTasks.filter((t): t is Parked['task'] => Boolean(t.parked));
}

/** Whether `parkedTasks(instance)` has any, without building the list. */
export function hasParkedTask(instance: InstanceOutline): boolean {
  return instance.openTasks.some((task) => task.parked);
}

/**
 * `tickMs`: how often the orchestrator asks, which turns the rule's rate per second into a count per ask.
 * `load`: the partition's runs in flight per type, for the types with an in-flight limit.
 */
export function dueResumes(
  instances: Iterable<Instance>,
  health: PartitionHealth,
  now: number,
  tickMs: number,
  load: PartitionLoad = NO_LOAD,
  /** How many runs of a rate-limited type the partition's pace allows now. */
  paced: (taskType: string, wanted: number) => number = (_type, wanted) => wanted,
): TaskResumeCommand[] {
  const byType = new Map<string, Parked[]>();
  for (const instance of instances) {
    for (const task of parkedTasks(instance)) {
      const list = byType.get(task.type) ?? [];
      list.push({ instance, task });
      byType.set(task.type, list);
    }
  }
  const env = environmentOf(health, load);
  const commands: TaskResumeCommand[] = [];
  for (const [type, parked] of byType) {
    const circuit = health[type]?.circuit ?? null;
    const flow = env.flow?.[type];
    const allowed = Math.min(circuitAllows(health, type, now, tickMs), flow?.free ?? Infinity, parked.length);
    const count = flow?.paced === true ? paced(type, allowed) : allowed;
    const epoch = circuit?.epoch ?? 0;
    fairOrder(parked)
      .slice(0, count)
      .forEach(({ instance, task }) => commands.push(resumeOf(instance, task, epoch)));
  }
  return commands;
}

function circuitAllows(health: PartitionHealth, type: string, now: number, tickMs: number): number {
  const entry = health[type];
  const circuit = entry?.circuit ?? null;
  const rule = entry?.rule ?? DEFAULT_CIRCUIT_RULE;
  if (circuit === null || circuit.phase === 'closed') {
    return Math.max(1, Math.ceil((rule.resumePerSecond * tickMs) / 1000));
  }
  if (circuit.phase === 'half-open') return circuit.probesLeft;
  if (entry?.health === 'down') return 0;
  return circuit.forced === null && now - circuit.since >= rule.openMs ? rule.probes : 0;
}

/**
 * Oldest first within a workflow, and the workflows taken in turns (the one with the oldest waiting run first):
 * a busy workflow cannot starve another's runs of the same type.
 */
function fairOrder(parked: Parked[]): Parked[] {
  const bySince = (a: Parked, b: Parked) =>
    a.task.parked.since - b.task.parked.since || (a.task.runId < b.task.runId ? -1 : 1);
  const queues = new Map<string, Parked[]>();
  for (const entry of parked.slice().sort(bySince)) {
    const queue = queues.get(entry.instance.workflow) ?? [];
    queue.push(entry);
    queues.set(entry.instance.workflow, queue);
  }
  const ordered: Parked[] = [];
  for (let round = 0; ordered.length < parked.length; round++) {
    for (const queue of queues.values()) {
      const entry = queue[round];
      if (entry !== undefined) ordered.push(entry);
    }
  }
  return ordered;
}

function resumeOf(instance: Instance, task: OpenTask, epoch: number): TaskResumeCommand {
  return {
    type: 'task-resume',
    // The instance's last change is in the id: a resume that found no capacity is not a duplicate of the next.
    commandId: resumeCommandId(task.runId, epoch, instance.updatedAt) as CommandId,
    correlationId: instance.correlationId,
    workflow: instance.workflow,
    actor: RESUME_ACTOR,
    timestamp: task.parked?.since ?? 0,
    expectedSeq: null,
    sourceSeq: null,
    taskId: task.taskId,
    runId: task.runId,
  };
}

type TaskLoad = Pick<PartitionLoad, 'running' | 'queued'>;

/** The load of an instance without open tasks, as most are: one value, so that counting them allocates nothing. */
const NO_TASKS: TaskLoad = Object.freeze({ running: new Map(), queued: new Map() });

/** Per task type: the instance's runs dispatched and not finished, and its runs waiting to be dispatched. */
export function taskLoadOf(instance: InstanceOutline | undefined): TaskLoad {
  if (instance === undefined || instance.openTasks.length === 0) return NO_TASKS;
  const running = new Map<string, number>();
  const queued = new Map<string, number>();
  for (const task of instance.openTasks) {
    if (task.parked) queued.set(task.type, (queued.get(task.type) ?? 0) + 1);
    else if (!task.waiting) running.set(task.type, (running.get(task.type) ?? 0) + 1);
  }
  return { running, queued };
}
