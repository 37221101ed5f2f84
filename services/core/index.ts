// The pure core of statewright: define workflows, decide commands, fold logs. No I/O, no clock, no randomness.
export { StatewrightError, RetriableError, NonRetriableError } from './statewright-error';
export type { CorrelationId, CommandId, TaskId, RunId, TimerId } from './ids';
export {
  correlationId,
  commandId,
  incarnationOf,
  taskIdOf,
  runIdOf,
  timerCommandId,
  MAX_COMMAND_ID_LENGTH,
  MAX_CORRELATION_ID_LENGTH,
  PRINTABLE,
} from './ids';
export type { JsonValue, JsonObject, JsonPrimitive } from './json/json-value';
export { toJson, canonicalJson, MAX_JSON_DEPTH, nestsDeeperThan } from './json/json-value';
export { fnv1a64 } from './json/fnv-hash';
export type { Environment, Health, CircuitPhase, CircuitView, FlowView } from './environment';
export { EMPTY_ENVIRONMENT } from './environment';
export type { Reason, ReasonCode } from './reason';
export { REASON_CODES, DEAD_LETTER_CODES, isDeadLetter } from './reason';

export type {
  Command,
  CommandType,
  CommandEnvelope,
  StartCommand,
  SignalCommand,
  CancelCommand,
  TaskResultCommand,
  TimerFiredCommand,
  AdminCommand,
  AdminAction,
  WorkflowSettingsCommand,
  KeyCommand,
  HealthChangedCommand,
  CircuitSettingsCommand,
  CircuitTrippedCommand,
  PartitionCommand,
  TaskResumeCommand,
  TaskOutcome,
  TaskError,
  ParseResult,
} from './command/command';
export { parseCommand, correlationIdOf, settingsKey, isPartitionCommand } from './command/command';
export { signatureOf } from './command/signature';
export { keyEffectOf, type KeyEffect } from './command/key-effect';

export type { GuardVerdict } from './definition/guard-verdict';
export { verdict } from './definition/guard-verdict';
export type { RetryPolicy, Backoff } from './definition/retry-policy';
export { DEFAULT_RETRY_POLICY, retryDelay } from './definition/retry-policy';
export type {
  WorkflowDefinition,
  StateNode,
  TaskNode,
  UnacceptedPolicy,
  Join,
  Migration,
  MigrationSource,
} from './definition/workflow-definition';
export type { Definition, Setup, SetupSpec, DefineSpec, StateSpec, EventSchemas } from './definition/setup';
export { setup } from './definition/setup';
export { DefinitionError } from './definition/definition-error';

export type {
  Instance,
  InstanceOutline,
  InstanceStatus,
  TerminalStatus,
  Timer,
  TimerOutline,
  OpenTask,
  Parked,
  TaskKind,
  TaskSource,
  CompletedStep,
  StashedCommand,
  DedupeEntry,
  DedupeWindow,
} from './instance/instance';
export { evolve } from './instance/evolve';
export { dueTimers, nextDue, TIMER_ACTOR } from './instance/due-timers';
export { DEFAULT_DEDUPE_WINDOW } from './instance/dedupe-window';
export { itemsOrNone, NO_ITEMS } from './instance/no-items';

export type {
  LogRecord,
  Transition,
  Rejection,
  Deferral,
  Stashing,
  Dismissal,
  Purge,
} from './log/log-record';
export { ERASED, eraseFields } from './json/sensitive-fields';
export type { Outcome } from './log/outcome';
export { appliedAt } from './log/outcome';
export { ReplayError } from './log/replay-error';

export type { Decision, Step, TaskRequest } from './decision/decision';

export type { Registry, RolloutRule } from './registry/registry';
export { createRegistry, chooseVersion, checkRollout } from './registry/registry';
export type { WorkflowSettings, SettingsChange, SettingsDecision } from './registry/workflow-settings';
export type { LiveInstances, VersionOverview } from './catalogue/version-overview';
export type { LiveCount } from './catalogue/unserved-versions';
export { unservedMessage, unservedVersions } from './catalogue/unserved-versions';
export { startShares, versionOverview } from './catalogue/version-overview';
export type { CanaryPolicy, CanaryVerdict, FinishedInstance, Tally } from './registry/canary-verdict';
export {
  CANARY_ACTOR,
  DEFAULT_CANARY_POLICY,
  canaryRevert,
  isFailure,
  judgeCanary,
} from './registry/canary-verdict';
export {
  changeSettings,
  decideSettings,
  withSettings,
  DEPLOYED,
  RECENT_SETTINGS_COMMANDS,
} from './registry/workflow-settings';
export { decide } from './decide';

export type { Circuit } from './health/circuit';
export { closedCircuit } from './health/circuit';
export type { CircuitRule } from './health/circuit-rule';
export { DEFAULT_CIRCUIT_RULE, circuitRuleSchema } from './health/circuit-rule';
export type { PartitionHealth, TaskTypeHealth, HealthRecord, PartitionLoad } from './health/partition-health';
export { NO_HEALTH, HEALTH_WORKFLOW, healthKey, foldHealth, environmentOf } from './health/partition-health';
export type { PartitionStep } from './health/decide-partition';
export { decidePartition } from './health/decide-partition';
export type { HealthStep } from './health/circuit-observer';
export { advanceCircuits, circuitTrips, observeStep } from './health/circuit-observer';
export { dueResumes, hasParkedTask, parkedTasks, taskLoadOf, RESUME_ACTOR } from './health/due-resumes';
export { resumeCommandId } from './decision/task-resume';

export { toMermaid } from './render/mermaid';
export { toDot } from './render/dot';
export type { Drawable } from './render/state-graph';

export type {
  DescribedDefinition,
  DescribedState,
  DescribedEvent,
  DescribedTask,
  DescribedHandler,
} from './catalogue/described-definition';
export { describeDefinition, definitionKey, hashOf } from './catalogue/described-definition';
export type { Catalogue, DescriptionSource } from './catalogue/catalogue';
export { createCatalogue, catalogueOf } from './catalogue/catalogue';
export type { Publication, PublicationConflict } from './catalogue/publication';
export { planPublication, conflictMessage } from './catalogue/publication';
