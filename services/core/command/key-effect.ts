// What a command asks of the instance's data key, decided here and carried out by the orchestrator that owns the
// key (it knows whether the key exists and which KEK wrapped it): the policy is data, the keys are I/O.
import type { Command } from './command';

/** ensure: the key exists before anything is sealed with it; rewrap: wrap it with the current KEK; shred: delete it. */
export type KeyEffect = 'ensure' | 'rewrap' | 'shred';

export function keyEffectOf(command: Command): KeyEffect | null {
  switch (command.type) {
    case 'start':
    case 'key-request':
      return 'ensure';
    case 'key-rewrap':
      return 'rewrap';
    case 'admin':
      return command.action === 'erase' ? 'shred' : null;
    default:
      return null;
  }
}
