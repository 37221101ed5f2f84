// A partition's health state: per task type, what worker heartbeats and operators reported and, for task types
// with a rule, the circuit. It changes only by records of the partition's own log (`HealthRecord`), so a fold
// of the log rebuilds it, and the environment guards see is derived from it alone.
import type { Environment, FlowView, Health } from '../environment';
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
  /**
   * The most runs of this type in flight at once across the fleet; each partition may run its share (absent
   * or null: no limit).
   */
  readonly maxInFlight?: number | null;
  /** The most runs of this type dispatched per second across the fleet; each partition paces its share. */
  readonly perSecond?: number | null;
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

/** The partition's own runs per task type: dispatched and not finished, and waiting for capacity. */
export interface PartitionLoad {
  readonly partition: number;
  readonly partitions: number;
  readonly running: ReadonlyMap<string, number>;
  readonly queued: ReadonlyMap<string, number>;
}

export const NO_LOAD: PartitionLoad = { partition: 0, partitions: 1, running: new Map(), queued: new Map() };

/** This partition's share of a fleet-wide limit: the limit split over the partitions, remainders to the first. */
export const shareOf = (limit: number, partition: number, partitions: number): number =>
  Math.floor(limit / partitions) + (partition < limit % partitions ? 1 : 0);

/** What guards and the dispatch gate see: health, fleet in-flight counts, circuits and flow per task type. */
export function environmentOf(health: PartitionHealth, load: PartitionLoad = NO_LOAD): Environment {
  const taskHealth: Record<string, Health> = {};
  const inFlight: Record<string, number> = {};
  const circuits: Record<string, ReturnType<typeof viewOf>> = {};
  const flow: Record<string, FlowView> = {};
  for (const entry of Object.values(health)) {
    taskHealth[entry.taskType] = entry.health;
    inFlight[entry.taskType] = entry.inFlight;
    if (entry.circuit !== null) circuits[entry.taskType] = viewOf(entry.circuit);
    const capped = entry.maxInFlight !== undefined && entry.maxInFlight !== null;
    const paced = entry.perSecond !== undefined && entry.perSecond !== null;
    if (capped || paced) {
      const share = capped ? shareOf(entry.maxInFlight as number, load.partition, load.partitions) : null;
      const running = load.running.get(entry.taskType) ?? 0;
      flow[entry.taskType] = {
        free: share === null ? null : Math.max(0, share - running),
        queued: load.queued.get(entry.taskType) ?? 0,
        paced,
      };
    }
  }
  return Object.keys(flow).length === 0
    ? { taskHealth, inFlight, circuits }
    : { taskHealth, inFlight, circuits, flow };
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
