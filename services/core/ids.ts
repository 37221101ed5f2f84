// Branded identifiers and the deterministic rules that derive task, run and timer ids.
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type CorrelationId = Brand<string, 'CorrelationId'>;
export type CommandId = Brand<string, 'CommandId'>;
export type TaskId = Brand<string, 'TaskId'>;
export type RunId = Brand<string, 'RunId'>;
export type TimerId = Brand<string, 'TimerId'>;

export const correlationId = (value: string): CorrelationId => value as CorrelationId;
export const commandId = (value: string): CommandId => value as CommandId;

/** `correlationId/seq/index`: the seq of the transition that opened the task and its position in it. */
export const taskIdOf = (correlation: string, seq: number, index: number): TaskId =>
  `${correlation}/${seq}/${index}` as TaskId;

/** `taskId#attempt`: every attempt of a task has its own run id, the idempotency key a worker reports with. */
export const runIdOf = (taskId: string, attempt: number): RunId => `${taskId}#${attempt}` as RunId;

export const timeoutTimerId = (correlation: string, seq: number): TimerId =>
  `${correlation}/${seq}/timeout` as TimerId;

export const retryTimerId = (runId: string): TimerId => `${runId}/retry` as TimerId;

/** Unique per deferral of a command: the same command deferred twice gets two timers. */
export const deferralTimerId = (correlation: string, command: string, until: number): TimerId =>
  `${correlation}/defer/${command}@${until}` as TimerId;

/** The commandId of a `timer-fired` command: fixed by the timer, so re-publishing a timer is a duplicate. */
export const timerCommandId = (timerId: string): CommandId => `timer:${timerId}` as CommandId;
