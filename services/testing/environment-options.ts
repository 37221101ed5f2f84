// What a test hands to `createTestEnvironment` and to the commands it sends through it.
import type { Environment } from '../core';
import type { HandlerMap } from '../worker/task/task-handler';
import type { UnknownErrorPolicy } from './handler-run';
import type { TestSettings, Workflows } from './test-registry';

export interface TestEnvironmentOptions {
  /** The definitions, as the orchestrator takes them: an array built with `setup(...).define(...)`, or a registry. */
  readonly workflows: Workflows;
  /** Task type → handler, as the worker SDK takes them; `runTasks` runs pending tasks through them. */
  readonly handlers?: HandlerMap;
  /** Epoch ms the virtual clock starts at. */
  readonly now?: number;
  /** Per workflow: a rollout rule or dedupe window, as a `workflow-settings` command would set them. */
  readonly settings?: Readonly<Record<string, TestSettings>>;
  /** What guards see as task health and in-flight counts; `setEnvironment` changes it later. */
  readonly environment?: Environment;
  /** How a handler's error that is not a task error counts (the worker's default: retryable). */
  readonly unknownErrors?: UnknownErrorPolicy;
}

/** Fields a test may fix on a command it sends: its id (send it twice to see a duplicate) and the seq checks. */
export interface CommandOptions {
  readonly commandId?: string;
  readonly expectedSeq?: number;
  readonly sourceSeq?: number;
}

export interface StartOptions extends CommandOptions {
  readonly version?: number;
}

export interface TaskFailure {
  readonly message: string;
  /** A fatal failure is never retried; otherwise the definition's retry policy decides. */
  readonly fatal?: boolean;
  readonly code?: string;
}

/** 2030-01-01T00:00:00Z: a fixed start, so ids and due times are the same on every run. */
export const DEFAULT_START = Date.UTC(2030, 0, 1);
export const TESTING_ACTOR = 'statewright:testing';
