// Branded identifiers and the deterministic rules that derive task, run and timer ids.
import { fnv1a64 } from './json/fnv-hash';
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type CorrelationId = Brand<string, 'CorrelationId'>;
export type CommandId = Brand<string, 'CommandId'>;
export type TaskId = Brand<string, 'TaskId'>;
export type RunId = Brand<string, 'RunId'>;
export type TimerId = Brand<string, 'TimerId'>;

/** The longest command id (and any id a command carries). */
export const MAX_COMMAND_ID_LENGTH = 512;

/**
 * The longest correlation id a new instance may have: every id derived from it (task, run, timer and the
 * timer's command id) stays within MAX_COMMAND_ID_LENGTH.
 */
export const MAX_CORRELATION_ID_LENGTH = 400;

/** Ids are printable: no control, format or line-separator characters to reach terminals and audit trails. */
export const PRINTABLE = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;

export const correlationId = (value: string): CorrelationId => value as CorrelationId;
export const commandId = (value: string): CommandId => value as CommandId;

/**
 * One life of a correlation id: a purged id that is started again is a new incarnation, so none of the ids
 * derived from it (tasks, runs, their results cached by workers, idempotency keys sent to other services)
 * repeats the old instance's. Derived from the start command's id and timestamp, so a producer can predict
 * the task ids of the instances it starts.
 */
export const incarnationOf = (startCommandId: string, issuedAt: number): string =>
  fnv1a64(`${startCommandId}@${issuedAt}`).slice(0, 10);

/**
 * `correlationId/incarnation/seq/index`: the instance's incarnation, the seq of the transition that opened the
 * task and its position in it. Instances started before incarnations existed keep `correlationId/seq/index`.
 */
export const taskIdOf = (
  correlation: string,
  incarnation: string | null,
  seq: number,
  index: number,
): TaskId =>
  (incarnation === null
    ? `${correlation}/${seq}/${index}`
    : `${correlation}/${incarnation}/${seq}/${index}`) as TaskId;

/** `taskId#attempt`: every attempt of a task has its own run id, the idempotency key a worker reports with. */
export const runIdOf = (taskId: string, attempt: number): RunId => `${taskId}#${attempt}` as RunId;

export const timeoutTimerId = (correlation: string, seq: number): TimerId =>
  `${correlation}/${seq}/timeout` as TimerId;

export const retryTimerId = (runId: string): TimerId => `${runId}/retry` as TimerId;

/** Unique per deferral of a command: the same command deferred twice gets two timers. Bounded by a hash. */
export const deferralTimerId = (correlation: string, command: string, until: number): TimerId =>
  `${correlation}/defer/${fnv1a64(command)}@${until}` as TimerId;

/** The commandId of a `timer-fired` command: fixed by the timer, so re-publishing a timer is a duplicate. */
export const timerCommandId = (timerId: string): CommandId => `timer:${timerId}` as CommandId;
