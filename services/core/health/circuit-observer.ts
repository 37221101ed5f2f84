// What an instance decision tells the partition's circuits: a decided task result is an outcome of its type, a
// dispatched run of a half-open type uses a probe, and an open circuit past its open time starts probing when a
// decision looks at it. Each change is a HealthRecord, so the fold of the log holds the same circuits.
import type { Command } from '../command/command';
import type { Step } from '../decision/decision';
import type { Instance } from '../instance/instance';
import { advance, dispatched, observe, type Circuit } from './circuit';
import {
  foldHealth,
  healthRecord,
  isCircuit,
  type HealthRecord,
  type PartitionHealth,
  type TaskTypeHealth,
} from './partition-health';

export interface HealthStep {
  readonly records: readonly HealthRecord[];
  readonly health: PartitionHealth;
}

const CIRCUIT_ACTOR = 'statewright:circuit';

/** Open circuits whose open time has passed become half-open at `now`; run before deciding at `now`. */
export function advanceCircuits(health: PartitionHealth, now: number, causation: string): HealthStep {
  return changeEach(health, now, causation, (entry) => advance(entry.circuit, entry.rule, now));
}

/** The circuits after `command` was decided into `step` against the instance `before`. */
export function observeStep(
  health: PartitionHealth,
  before: Instance | undefined,
  command: Command,
  step: Step,
  now: number,
): HealthStep {
  const failedOf = outcomeOf(before, command, step);
  const sent = new Map<string, number>();
  for (const task of step.tasks) sent.set(task.type, (sent.get(task.type) ?? 0) + 1);
  return changeEach(health, now, command.commandId, (entry) => {
    let circuit = entry.circuit;
    const failed = failedOf(entry.taskType);
    if (failed !== undefined) circuit = observe(circuit, entry.rule, failed, now);
    return dispatched(circuit, sent.get(entry.taskType) ?? 0);
  });
}

/** For the task type of a decided task result: whether it failed; undefined for anything else. */
function outcomeOf(
  before: Instance | undefined,
  command: Command,
  step: Step,
): (taskType: string) => boolean | undefined {
  if (command.type !== 'task-result' || step.decision.kind !== 'applied') return () => undefined;
  const task = before?.openTasks.find((t) => t.taskId === command.taskId);
  if (task === undefined) return () => undefined;
  const failed = command.outcome.kind !== 'succeeded';
  return (taskType) => (taskType === task.type ? failed : undefined);
}

function changeEach(
  health: PartitionHealth,
  now: number,
  causation: string,
  change: (
    entry: TaskTypeHealth & { circuit: Circuit; rule: NonNullable<TaskTypeHealth['rule']> },
  ) => Circuit,
): HealthStep {
  const records: HealthRecord[] = [];
  let after = health;
  for (const entry of Object.values(health)) {
    if (!isCircuit(entry)) continue;
    const circuit = change(entry);
    if (circuit === entry.circuit) continue;
    const commandId = `circuit:${entry.taskType}@${circuit.epoch}/${causation}`;
    const record = healthRecord({ ...entry, circuit }, { commandId, causation, actor: CIRCUIT_ACTOR }, now);
    records.push(record);
    after = foldHealth(after, record);
  }
  return { records, health: after };
}
