// Which deferred runs the orchestrator should resume now, as `task-resume` commands: per task type, oldest
// deferral first; while closed at the rule's bounded rate, while open past its open time as many as the probes,
// while half-open as many probes as are left.
import type { TaskResumeCommand } from '../command/command';
import type { CommandId } from '../ids';
import type { Instance, OpenTask } from '../instance/instance';
import { resumeCommandId } from '../decision/task-resume';
import { DEFAULT_CIRCUIT_RULE } from './circuit-rule';
import type { PartitionHealth } from './partition-health';

export const RESUME_ACTOR = 'statewright:circuit';

interface Parked {
  readonly instance: Instance;
  readonly task: OpenTask & { parked: NonNullable<OpenTask['parked']> };
}

export function parkedTasks(instance: Instance): Parked['task'][] {
  return instance.openTasks.filter((t): t is Parked['task'] => Boolean(t.parked));
}

/** `tickMs`: how often the orchestrator asks, which turns the rule's rate per second into a count per ask. */
export function dueResumes(
  instances: Iterable<Instance>,
  health: PartitionHealth,
  now: number,
  tickMs: number,
): TaskResumeCommand[] {
  const byType = new Map<string, Parked[]>();
  for (const instance of instances) {
    for (const task of parkedTasks(instance)) {
      const list = byType.get(task.type) ?? [];
      list.push({ instance, task });
      byType.set(task.type, list);
    }
  }
  const commands: TaskResumeCommand[] = [];
  for (const [type, parked] of byType) {
    const entry = health[type];
    const circuit = entry?.circuit ?? null;
    const rule = entry?.rule ?? DEFAULT_CIRCUIT_RULE;
    const count =
      circuit === null || circuit.phase === 'closed'
        ? Math.max(1, Math.ceil((rule.resumePerSecond * tickMs) / 1000))
        : circuit.phase === 'half-open'
          ? circuit.probesLeft
          : circuit.forced === null && now - circuit.since >= rule.openMs
            ? rule.probes
            : 0;
    const epoch = circuit?.epoch ?? 0;
    parked
      .sort((a, b) => a.task.parked.since - b.task.parked.since || (a.task.runId < b.task.runId ? -1 : 1))
      .slice(0, count)
      .forEach(({ instance, task }) => commands.push(resumeOf(instance, task, epoch)));
  }
  return commands;
}

function resumeOf(instance: Instance, task: OpenTask, epoch: number): TaskResumeCommand {
  return {
    type: 'task-resume',
    commandId: resumeCommandId(task.runId, epoch) as CommandId,
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
