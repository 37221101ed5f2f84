// The runtime form of a workflow definition: what `decide` reads. Built by `setup(...).define(...)`, never stored.
import type { z } from 'zod';
import type { Environment } from '../environment';
import type { JsonValue } from '../json/json-value';
import type { DedupeWindow } from '../instance/dedupe-window-size';
import type { TerminalStatus } from '../instance/instance';
import type { TaskError } from '../command/task-outcome';
import type { GuardVerdict } from './guard-verdict';
import type { RetryPolicy } from './retry-policy';

export type UnacceptedPolicy = 'reject' | 'stash' | 'ignore';
export type Join = 'all' | 'any';

export interface TaskInvocationNode {
  readonly task: string;
  readonly input: ((context: unknown) => unknown) | null;
  readonly assign: ((context: unknown, output: JsonValue) => unknown) | null;
}

export interface InvokeNode {
  readonly tasks: readonly TaskInvocationNode[];
  readonly join: Join;
  readonly onDone: { readonly target: string; readonly update: ((context: unknown) => unknown) | null };
  readonly onError: {
    readonly target: string;
    readonly update: ((context: unknown, error: TaskError) => unknown) | null;
  };
}

export interface HandlerNode {
  /** null: an internal transition (no exit, no entry). A target, even the current state, exits and re-enters. */
  readonly target: string | null;
  readonly guard: ((context: unknown, payload: unknown, env: Environment) => GuardVerdict | boolean) | null;
  readonly update: ((context: unknown, payload: unknown) => unknown) | null;
  readonly tasks: readonly TaskInvocationNode[];
}

export interface StateNode {
  readonly name: string;
  readonly on: ReadonlyMap<string, HandlerNode>;
  readonly invoke: InvokeNode | null;
  readonly after: {
    readonly ms: number;
    readonly target: string;
    readonly update: ((context: unknown) => unknown) | null;
  } | null;
  /** A compensation state undoes completed steps, latest first, then goes to onDone (or onError if an undo fails). */
  readonly compensate: { readonly onDone: string; readonly onError: string } | null;
  readonly final: TerminalStatus | null;
}

export interface TaskNode {
  readonly type: string;
  readonly retry: RetryPolicy;
  readonly compensation: {
    readonly task: string;
    readonly input: ((context: unknown, step: { input: JsonValue; output: JsonValue }) => unknown) | null;
  } | null;
}

export interface MigrationSource {
  readonly version: number;
  readonly state: string;
  readonly context: JsonValue;
}

export type Migration = (from: MigrationSource) => { readonly state: string; readonly context: unknown };

export interface WorkflowDefinition {
  readonly name: string;
  readonly version: number;
  readonly initial: string;
  readonly input: z.ZodType;
  readonly context: (input: unknown) => unknown;
  readonly states: ReadonlyMap<string, StateNode>;
  /** Event name to payload schema; null accepts any JSON payload. */
  readonly events: ReadonlyMap<string, z.ZodType | null>;
  readonly tasks: ReadonlyMap<string, TaskNode>;
  /** Where a `cancel` command (or a guard's cancel) leads; null: the workflow cannot be cancelled. */
  readonly cancel: string | null;
  readonly unaccepted: ReadonlyMap<string, UnacceptedPolicy>;
  readonly stashLimit: number;
  readonly dedupe: DedupeWindow;
  readonly onStartExisting: 'reject' | 'return-existing';
  /** Whether a new instance may start; null: always. */
  readonly startGuard: ((input: unknown, env: Environment) => GuardVerdict | boolean) | null;
  /** Dotted paths into context and payloads holding personal data, for redaction and encryption at the edges. */
  readonly sensitive: readonly string[];
  /** Keyed by the version migrated from. */
  readonly migrations: ReadonlyMap<number, Migration>;
}
