// statewright/testing: test a team's workflows without Kafka, Redis or a schema registry. An in-memory,
// time-skipping environment over the real core, and property checks of a definition.
export { createTestEnvironment, TestEnvironment } from './test-environment';
export {
  DEFAULT_START,
  TESTING_ACTOR,
  type TestEnvironmentOptions,
  type CommandOptions,
  type StartOptions,
  type TaskFailure,
} from './environment-options';
export type { Workflows, TestSettings } from './test-registry';
export type { InstanceView, TaskView, TimerView, TimerFired, CommandResult } from './views';
export type { TaskRun } from './task-loop';
export type { HandlerResult, UnknownErrorPolicy } from './handler-run';
export {
  RefusedCommandError,
  UnknownInstanceError,
  TaskLookupError,
  ClockError,
  HandlerRunError,
  DefinitionCheckError,
  GeneratorError,
} from './testing-error';
export { checkDefinition, type CheckOptions, type CheckReport } from './check/check-definition';
