// An instance's recorded history as shadow replay reads it: each command as the orchestrator consumed it, with
// the records it left in the log. `pairRecords` rebuilds it from a partition's commands and transitions.
import type { Command } from '../command/command';
import type { LogRecord } from '../log/log-record';

export interface RecordedCommand {
  readonly command: Command;
  /** The records the command left, in log order: none for a duplicate or a command that changed nothing. */
  readonly records: readonly LogRecord[];
}

/**
 * Pairs one partition's commands (in offset order, only those this partition owns) with its log (in offset
 * order): a command owns the records that follow, as long as they resolve it (`commandId`) or were made while
 * processing it (`causation`: a released deferral or stashed event). Records no command accounts for are
 * returned apart, so a reader can tell an incomplete recording.
 */
export function pairRecords(
  commands: readonly Command[],
  log: readonly LogRecord[],
): { readonly history: RecordedCommand[]; readonly unpaired: LogRecord[] } {
  const history: RecordedCommand[] = [];
  const unpaired: LogRecord[] = [];
  const held = new Set(commands.map((c) => c.commandId));
  const ownedByAny = (record: LogRecord) =>
    held.has(record.commandId) || (record.causation !== null && held.has(record.causation));
  let next = 0;
  for (const command of commands) {
    const owns = (record: LogRecord) =>
      record.commandId === command.commandId || record.causation === command.commandId;
    // Records before this command's that resolve no later command belong to none we hold (a cut recording).
    while (next < log.length && !owns(log[next]!) && !ownedByAny(log[next]!)) {
      unpaired.push(log[next]!);
      next += 1;
    }
    const records: LogRecord[] = [];
    while (next < log.length && owns(log[next]!)) records.push(log[next++]!);
    history.push({ command, records });
  }
  unpaired.push(...log.slice(next));
  return { history, unpaired };
}
