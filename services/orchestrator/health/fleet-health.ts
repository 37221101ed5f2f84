// The fleet's health per task type from worker heartbeats: workers whose latest beat is fresh are alive; their
// capacity and in-flight counts add up. A task type with no live worker is down.
import {
  HEALTH_WORKFLOW,
  healthKey,
  type CommandId,
  type CorrelationId,
  type HealthChangedCommand,
} from '../../core';
import { fnv1a64 } from '../../core';
import type { Heartbeat } from '../../platform/codec/heartbeat-record';

export interface FleetEntry {
  readonly taskType: string;
  readonly health: 'up' | 'down';
  readonly alive: number;
  readonly capacity: number;
  readonly inFlight: number;
}

/** `known`: task types reported before, kept (down) when their last worker left. */
export function fleetHealth(
  beats: Iterable<Heartbeat | null>,
  known: Iterable<string>,
  now: number,
  staleMs: number,
): Map<string, FleetEntry> {
  const fleet = new Map<string, FleetEntry>();
  for (const taskType of known)
    fleet.set(taskType, { taskType, health: 'down', alive: 0, capacity: 0, inFlight: 0 });
  for (const beat of beats) {
    if (beat === null || now - beat.at > staleMs) continue;
    const entry = fleet.get(beat.taskType) ?? {
      taskType: beat.taskType,
      health: 'down',
      alive: 0,
      capacity: 0,
      inFlight: 0,
    };
    fleet.set(beat.taskType, {
      taskType: beat.taskType,
      health: 'up',
      alive: entry.alive + 1,
      capacity: entry.capacity + beat.capacity,
      inFlight: entry.inFlight + beat.inFlight,
    });
  }
  return fleet;
}

export const sameFleetEntry = (a: FleetEntry | undefined, b: FleetEntry): boolean =>
  a !== undefined &&
  a.health === b.health &&
  a.alive === b.alive &&
  a.capacity === b.capacity &&
  a.inFlight === b.inFlight;

/**
 * The health command of an entry. Its id is fixed by the content and the time slot, so orchestrators that see
 * the same change in the same slot write the same command, which each partition applies once.
 */
export function healthCommandOf(
  entry: FleetEntry,
  now: number,
  slotMs: number,
  actor: string,
): HealthChangedCommand {
  const slot = Math.floor(now / slotMs);
  const content = `${entry.taskType}|${entry.health}|${entry.alive}|${entry.capacity}|${entry.inFlight}|${slot}`;
  return {
    type: 'health-changed',
    commandId: `health:${fnv1a64(content)}` as CommandId,
    correlationId: healthKey(entry.taskType) as CorrelationId,
    workflow: HEALTH_WORKFLOW,
    actor,
    timestamp: now,
    expectedSeq: null,
    sourceSeq: null,
    taskType: entry.taskType,
    health: entry.health,
    alive: entry.alive,
    capacity: entry.capacity,
    inFlight: entry.inFlight,
  };
}
