// Safe evolution of workflow code: a static checker of definitions, shadow replay of recorded commands against a
// candidate version, and a dry run of a migration over recorded instances. Pure, like the rest of the core.
export type { Finding, FindingKind, Severity } from './finding';
export { errorsOf } from './finding';
export { checkWorkflow } from './check-workflow';
