// Encrypts what a command carries for its workflow (a start's input, a signal's payload) before it is published:
// every property named like a sensitive leaf, under the instance's data key. The other commands carry no workflow
// data. Callers validate and fingerprint the plaintext first; only the published command is sealed.
import type { Command, JsonValue } from '../../core';
import { unreachable } from '../../core/unreachable';
import { leafPaths, protect } from '../../platform/crypto/sensitive-leaves';

export interface CommandSealer {
  seal(command: Command): Promise<Command>;
}

/** Without a key-encryption key commands are published as they are. */
export const PLAINTEXT_COMMANDS: CommandSealer = { seal: async (command) => command };

/** `keyOf` is only asked for a key when the command holds something to encrypt. */
export function sealingCommands(
  leaves: ReadonlySet<string>,
  keyOf: (command: Command) => Promise<Buffer>,
): CommandSealer {
  const sealed = async (command: Command, value: JsonValue): Promise<JsonValue> => {
    if (leafPaths(value, leaves).length === 0) return value;
    return protect(value, leaves, { dataKey: await keyOf(command), aad: command.correlationId });
  };
  return {
    seal: async (command) => {
      switch (command.type) {
        case 'start':
          return { ...command, input: await sealed(command, command.input) };
        case 'signal':
          return { ...command, payload: await sealed(command, command.payload) };
        case 'cancel':
        case 'task-result':
        case 'timer-fired':
        case 'task-resume':
        case 'health-changed':
        case 'circuit-settings':
        case 'circuit-tripped':
        case 'admin':
        case 'workflow-settings':
        case 'key-request':
        case 'key-rewrap':
          return command;
        default:
          return unreachable(command);
      }
    },
  };
}
