// What a worker app supplies per task type: an input schema and the function that performs the effect.
import type { z } from 'zod';
import type { JsonValue } from '../../core';

export type TaskKind = 'action' | 'compensation';

export interface TaskContext {
  /** `correlationId/incarnation/seq/index`: the idempotency key of the effect, the same for every attempt. */
  readonly taskId: string;
  /** `taskId#attempt`: this attempt. */
  readonly runId: string;
  readonly attempt: number;
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  readonly kind: TaskKind;
  readonly type: string;
  /** Aborted when the handler's time is up or the worker stops before it finished. */
  readonly signal: AbortSignal;
}

export interface TaskHandler<I = unknown> {
  /** Checks the input after its encrypted fields were decrypted (`[erased]` where the instance's key is gone). */
  readonly input: z.ZodType<I>;
  /**
   * Performs the effect. What it returns is kept in Redis and reported as it is, not encrypted: return ids and
   * outcomes, not the sensitive fields of the input.
   */
  readonly handle: (input: I, ctx: TaskContext) => Promise<JsonValue>;
}

/** A handler with its input type erased: the schema's output is the only value ever passed to `handle`. */
export interface AnyTaskHandler {
  readonly input: z.ZodType<unknown>;
  readonly handle: (input: never, ctx: TaskContext) => Promise<JsonValue>;
}

/** Task type → handler; the worker subscribes to exactly these types. */
export type HandlerMap = Readonly<Record<string, AnyTaskHandler>>;

/** Binds a schema to its handler so the handler's input parameter is inferred from the schema. */
export function taskHandler<S extends z.ZodType>(
  input: S,
  handle: (input: z.output<S>, ctx: TaskContext) => Promise<JsonValue>,
): TaskHandler<z.output<S>> {
  return { input: input as z.ZodType<z.output<S>>, handle };
}
