// What an instance decision tells the partition's circuits: a decided task result is an outcome of its type, a
// dispatched run of a half-open type uses a probe, and an open circuit past its open time starts probing when a
// decision looks at it. Each change is a HealthRecord, so the fold of the log holds the same circuits.
import type { Command, CircuitTrippedCommand } from '../command/command';
import type { CommandId, CorrelationId } from '../ids';
import type { Step } from '../decision/decision';
import type { Instance } from '../instance/instance';
import { advance, dispatched, observe, type Circuit } from './circuit';
import {
  foldHealth,
  HEALTH_WORKFLOW,
  healthKey,
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
  return changeEach(health, now, causation, (entry) =>
    advance(entry.circuit, entry.rule, now, entry.health === 'down'),
  );
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

/**
 * The circuits that `records` (of `observeStep`, against `before`) opened by the partition's own outcomes, each as
 * the `circuit-tripped` command the partition `origin` writes to every other partition. Its id names the origin
 * and the circuit's epoch, so it is written once per opening.
 */
export function circuitTrips(
  before: PartitionHealth,
  records: readonly HealthRecord[],
  origin: number,
  now: number,
): CircuitTrippedCommand[] {
  return records.flatMap((record) => {
    const circuit = record.entry.circuit;
    if (circuit?.phase !== 'open' || before[record.taskType]?.circuit?.phase === 'open') return [];
    return [
      {
        type: 'circuit-tripped',
        commandId: `circuit-tripped:${record.taskType}@${origin}/${circuit.epoch}` as CommandId,
        correlationId: healthKey(record.taskType) as CorrelationId,
        workflow: HEALTH_WORKFLOW,
        actor: CIRCUIT_ACTOR,
        timestamp: now,
        expectedSeq: null,
        sourceSeq: null,
        taskType: record.taskType,
        origin,
        why: circuit.why,
      },
    ];
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
