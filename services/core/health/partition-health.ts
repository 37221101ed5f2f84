// A partition's health state: per task type, what worker heartbeats and operators reported and, for task types
// with a rule, the circuit. It changes only by records of the partition's own log (`HealthRecord`), so a fold
// of the log rebuilds it, and the environment guards see is derived from it alone.
import type { Environment, Health } from '../environment';
import type { Circuit } from './circuit';
import { viewOf } from './circuit';
import type { CircuitRule } from './circuit-rule';

export interface TaskTypeHealth {
  readonly taskType: string;
  /** Reported by heartbeats (down when no worker is alive) or an operator; up until anything is reported. */
  readonly health: Health;
  /** Fleet-wide, as last reported: workers alive, their capacity, tasks they hold. */
  readonly alive: number;
  readonly capacity: number;
  readonly inFlight: number;
  /** The circuit and its rule; null while the task type has no rule. */
  readonly rule: CircuitRule | null;
  readonly circuit: Circuit | null;
  /** The latest partition command applied, so a repeated one is a duplicate. */
  readonly lastCommandId: string | null;
}

export type PartitionHealth = Readonly<Record<string, TaskTypeHealth>>;

export const NO_HEALTH: PartitionHealth = {};

/** The correlation id of a task type's health records and commands: `health:<taskType>`. */
export const healthKey = (taskType: string): string => `health:${taskType}`;

/** The `workflow` field of health records and commands; no workflow may take this name. */
export const HEALTH_WORKFLOW = 'statewright.health';

/** A record of the partition's log: the whole new health of one task type (fold = replace). */
export interface HealthRecord {
  readonly kind: 'health';
  readonly correlationId: string;
  readonly workflow: string;
  readonly commandId: string;
  readonly causation: string | null;
  readonly actor: string;
  readonly at: number;
  readonly taskType: string;
  readonly entry: TaskTypeHealth;
}

export const blankHealth = (taskType: string): TaskTypeHealth => ({
  taskType,
  health: 'up',
  alive: 0,
  capacity: 0,
  inFlight: 0,
  rule: null,
  circuit: null,
  lastCommandId: null,
});

export function foldHealth(health: PartitionHealth, record: HealthRecord): PartitionHealth {
  return { ...health, [record.taskType]: record.entry };
}

/** What guards and the dispatch gate see: health, fleet in-flight counts and circuits per task type. */
export function environmentOf(health: PartitionHealth): Environment {
  const taskHealth: Record<string, Health> = {};
  const inFlight: Record<string, number> = {};
  const circuits: Record<string, ReturnType<typeof viewOf>> = {};
  for (const entry of Object.values(health)) {
    taskHealth[entry.taskType] = entry.health;
    inFlight[entry.taskType] = entry.inFlight;
    if (entry.circuit !== null) circuits[entry.taskType] = viewOf(entry.circuit);
  }
  return { taskHealth, inFlight, circuits };
}

export function healthRecord(
  entry: TaskTypeHealth,
  cause: { readonly commandId: string; readonly causation: string | null; readonly actor: string },
  at: number,
): HealthRecord {
  return {
    kind: 'health',
    correlationId: healthKey(entry.taskType),
    workflow: HEALTH_WORKFLOW,
    commandId: cause.commandId,
    causation: cause.causation,
    actor: cause.actor,
    at,
    taskType: entry.taskType,
    entry,
  };
}

export const isCircuit = (
  entry: TaskTypeHealth,
): entry is TaskTypeHealth & { rule: CircuitRule; circuit: Circuit } =>
  entry.rule !== null && entry.circuit !== null;
