// The commands of safe evolution, registered together: check (static), shadow (replay against a candidate),
// migrate-dry-run (a migration tried on recorded instances).
import type { Command } from 'commander';
import { addCheckCommand } from './check-command';
import { addMigrateDryRunCommand } from './migrate-dry-run-command';
import { addShadowCommand } from './shadow-command';

export function addEvolutionCommands(program: Command): void {
  addCheckCommand(program);
  addShadowCommand(program);
  addMigrateDryRunCommand(program);
}
