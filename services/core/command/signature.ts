// Operation signature: what a commandId promised to do. Same id and signature is a duplicate; same id, other signature a conflict.
import { canonicalJson, type JsonValue } from '../json/json-value';
import { fnv1a64 } from '../json/fnv-hash';
import { unreachable } from '../unreachable';
import type { Command } from './command';

/** hash(commandId, correlationId, type/name, canonical payload); envelope fields such as actor or timestamp do not count. */
export function signatureOf(command: Command): string {
  const [name, payload] = nameAndPayload(command);
  return fnv1a64(canonicalJson([command.commandId, command.correlationId, command.type, name, payload]));
}

function nameAndPayload(command: Command): [string, JsonValue] {
  switch (command.type) {
    case 'start':
      return ['start', { input: command.input, version: command.version }];
    case 'signal':
      return [command.event, command.payload];
    case 'cancel':
      return ['cancel', command.reason];
    case 'task-result':
      return [command.taskId, { runId: command.runId, outcome: outcomeJson(command) }];
    case 'timer-fired':
      return [command.timerId, null];
    case 'task-resume':
      return [command.taskId, command.runId];
    case 'health-changed':
      return [
        command.taskType,
        {
          health: command.health,
          alive: command.alive,
          capacity: command.capacity,
          inFlight: command.inFlight,
        },
      ];
    case 'circuit-tripped':
      return [command.taskType, { origin: command.origin, why: command.why }];
    case 'circuit-settings':
      return [
        command.taskType,
        {
          hold: command.hold === undefined ? 'unchanged' : command.hold,
          rule: command.rule === undefined ? 'unchanged' : (command.rule as unknown as JsonValue),
          maxInFlight: command.maxInFlight === undefined ? 'unchanged' : command.maxInFlight,
          perSecond: command.perSecond === undefined ? 'unchanged' : command.perSecond,
        },
      ];
    case 'workflow-settings':
      return [
        command.type,
        {
          rollout: command.rollout === undefined ? 'unchanged' : (command.rollout as JsonValue),
          dedupe: command.dedupe === undefined ? 'unchanged' : (command.dedupe as JsonValue),
        },
      ];
    case 'admin':
      return [command.action, command.action === 'migrate' ? command.targetVersion : null];
    case 'key-request':
    case 'key-rewrap':
      return [command.type, null];
    default:
      return unreachable(command);
  }
}

function outcomeJson(command: Extract<Command, { type: 'task-result' }>): JsonValue {
  const outcome = command.outcome;
  return outcome.kind === 'succeeded'
    ? { kind: outcome.kind, output: outcome.output }
    : { kind: outcome.kind, error: { message: outcome.error.message, code: outcome.error.code } };
}
