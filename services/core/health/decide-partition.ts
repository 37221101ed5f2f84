// Partition commands decided as data: worker health, an operator's circuit settings and another partition's
// circuit trip change one task type's entry and leave a HealthRecord in the partition's log. The same command,
// fanned out to every partition, leads each partition to the same entry (a circuit's outcome window aside, which
// is each partition's own). A task type with no live worker left, or whose circuit another partition opened,
// has its circuit opened here too.
import type {
  CircuitSettingsCommand,
  CircuitTrippedCommand,
  HealthChangedCommand,
  PartitionCommand,
} from '../command/command';
import { unreachable } from '../unreachable';
import { closedCircuit, force, trip } from './circuit';
import { DEFAULT_CIRCUIT_RULE } from './circuit-rule';
import {
  blankHealth,
  foldHealth,
  healthRecord,
  type HealthRecord,
  type PartitionHealth,
  type TaskTypeHealth,
} from './partition-health';

export type PartitionStep =
  | { readonly kind: 'applied'; readonly record: HealthRecord; readonly health: PartitionHealth }
  | { readonly kind: 'duplicate' };

export function decidePartition(
  health: PartitionHealth,
  command: PartitionCommand,
  now: number,
): PartitionStep {
  const before = health[command.taskType] ?? blankHealth(command.taskType);
  if (before.lastCommandId === command.commandId) return { kind: 'duplicate' };
  const changed = { ...changeOf(before, command, now), lastCommandId: command.commandId };
  const record = healthRecord(changed, { ...command, causation: null }, now);
  return { kind: 'applied', record, health: foldHealth(health, record) };
}

function changeOf(before: TaskTypeHealth, command: PartitionCommand, now: number): TaskTypeHealth {
  switch (command.type) {
    case 'health-changed':
      return reported(before, command, now);
    case 'circuit-settings':
      return circuitSettings(before, command, now);
    case 'circuit-tripped':
      return tripped(before, command, now);
    default:
      return unreachable(command);
  }
}

function reported(before: TaskTypeHealth, command: HealthChangedCommand, now: number): TaskTypeHealth {
  const { health, alive, capacity, inFlight } = command;
  const entry = { ...before, health, alive, capacity, inFlight };
  if (health !== 'down' || entry.rule === null || entry.circuit === null) return entry;
  return { ...entry, circuit: trip(entry.circuit, entry.rule, now, `no live worker of ${entry.taskType}`) };
}

function tripped(before: TaskTypeHealth, command: CircuitTrippedCommand, now: number): TaskTypeHealth {
  if (before.rule === null || before.circuit === null) return before;
  const why = `opened on partition ${command.origin}: ${command.why}`;
  return { ...before, circuit: trip(before.circuit, before.rule, now, why) };
}

function circuitSettings(
  before: TaskTypeHealth,
  command: CircuitSettingsCommand,
  now: number,
): TaskTypeHealth {
  const capped = command.maxInFlight === undefined ? before : { ...before, maxInFlight: command.maxInFlight };
  const limited = command.perSecond === undefined ? capped : { ...capped, perSecond: command.perSecond };
  const changesCircuit = command.rule !== undefined || command.hold !== undefined;
  return changesCircuit ? circuitOf(limited, command, now) : limited;
}

function circuitOf(before: TaskTypeHealth, command: CircuitSettingsCommand, now: number): TaskTypeHealth {
  if (command.rule === null) return { ...before, rule: null, circuit: null };
  const rule = command.rule ?? before.rule ?? DEFAULT_CIRCUIT_RULE;
  const circuit = before.circuit ?? closedCircuit(now);
  const held = command.hold === undefined ? circuit : force(circuit, rule, command.hold, now, command.actor);
  return { ...before, rule, circuit: held };
}
