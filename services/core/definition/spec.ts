// The shapes a team writes with the DSL: what `setup` takes (context, input, events, tasks) and what `define`
// takes (states, handlers, invocations). `build-definition` turns them into a WorkflowDefinition.
import type { z } from 'zod';
import type { Environment } from '../environment';
import type { JsonValue } from '../json/json-value';
import type { DedupeWindow } from '../instance/dedupe-window-size';
import type { TerminalStatus } from '../instance/instance';
import type { TaskError } from '../command/task-outcome';
import type { GuardVerdict } from './guard-verdict';
import type { Backoff } from './retry-policy';
import type { Join, MigrationSource, UnacceptedPolicy } from './workflow-definition';

/** An event's payload schema, or `true` for any JSON payload. */
export type EventSchemas = Record<string, z.ZodType | true>;
type PayloadOf<S> = S extends z.ZodType ? z.output<S> : JsonValue;

export interface RetrySpec {
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
  readonly jitter?: number;
  readonly fatalCodes?: readonly string[];
}

export interface TaskSpec<C, T extends string> {
  readonly retry?: RetrySpec;
  /** The task that undoes this one; its input defaults to `{ input, output }` of the completed step. */
  readonly compensation?: {
    readonly task: T;
    readonly input?: (context: C, step: { input: JsonValue; output: JsonValue }) => JsonValue;
  };
}

export interface SetupSpec<C, IS extends z.ZodType, E extends EventSchemas, T extends string> {
  /** Carries the context type only: `types: {} as { context: MyContext }`. */
  readonly types: { readonly context: C };
  /** Schema of a `start` command's input. */
  readonly input: IS;
  readonly events: E;
  readonly tasks: { readonly [K in T]: TaskSpec<C, NoInfer<T>> };
}

export interface TaskInvocation<C, T extends string> {
  readonly task: T;
  /** The task's input; defaults to the whole context. */
  readonly input?: (context: C) => JsonValue;
  /** Folds the task's output into the context when it succeeds. */
  readonly assign?: (context: C, output: JsonValue) => C;
}

export type Target<S extends string, U> = S | { readonly target: S; readonly update?: U };

export interface InvokeSpec<C, T extends string, S extends string> {
  readonly tasks: readonly TaskInvocation<C, T>[];
  /** `all` (default): done when every task succeeded. `any`: done at the first success. */
  readonly join?: Join;
  readonly onDone: Target<S, (context: C) => C>;
  readonly onError: Target<S, (context: C, error: TaskError) => C>;
}

export interface HandlerSpec<C, P, T extends string, S extends string> {
  readonly target?: S;
  readonly guard?: (context: C, payload: P, env: Environment) => GuardVerdict | boolean;
  readonly update?: (context: C, payload: P) => C;
  /** Tasks emitted by the transition itself: retried per policy, not joined; a final failure is recorded only. */
  readonly tasks?: readonly TaskInvocation<C, T>[];
}

export interface StateSpec<C, E extends EventSchemas, T extends string, S extends string> {
  readonly on?: { readonly [K in keyof E & string]?: HandlerSpec<C, PayloadOf<E[K]>, T, S> };
  readonly invoke?: InvokeSpec<C, T, S>;
  readonly after?: { readonly ms: number; readonly target: S; readonly update?: (context: C) => C };
  readonly compensate?: { readonly onDone: S; readonly onError: S };
  readonly final?: TerminalStatus;
}

export interface DefineSpec<C, I, E extends EventSchemas, T extends string, S extends string> {
  readonly name: string;
  readonly version: number;
  readonly initial: NoInfer<S>;
  readonly context: (input: I) => C;
  readonly states: { readonly [K in S]: StateSpec<C, E, T, NoInfer<S>> };
  readonly cancel?: NoInfer<S>;
  readonly unaccepted?: { readonly [K in keyof E & string]?: UnacceptedPolicy };
  readonly stashLimit?: number;
  readonly dedupe?: DedupeWindow;
  readonly onStartExisting?: 'reject' | 'return-existing';
  /**
   * Decides whether a new instance may start, seeing its input and the environment (health, circuits, fleet
   * in-flight counts per task type): allow, or reject (a refused start leaves no instance). The environment it
   * saw is recorded in the start transition.
   */
  readonly startGuard?: (input: I, env: Environment) => GuardVerdict | boolean;
  readonly sensitive?: readonly string[];
  readonly migrations?: Readonly<
    Record<number, (from: MigrationSource) => { readonly state: NoInfer<S>; readonly context: C }>
  >;
}
