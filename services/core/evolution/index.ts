// Safe evolution of workflow code: a static checker of definitions, shadow replay of recorded commands against a
// candidate version, and a dry run of a migration over recorded instances. Pure, like the rest of the core.
export type { Finding, FindingKind, Severity } from './finding';
export { errorsOf } from './finding';
export { checkWorkflow } from './check-workflow';
export type { RecordedCommand } from './recorded-history';
export { pairRecords } from './recorded-history';
export type { DivergenceKind, RecordSummary } from './record-difference';
export type { ShadowOptions, ShadowReport, Divergence, CommandSummary } from './shadow-replay';
export { shadowReplay } from './shadow-replay';
export type { MigrationPlan, MigrationTrial, MigrationDryRun } from './migration-dry-run';
export { migrationDryRun, foldInstances } from './migration-dry-run';
