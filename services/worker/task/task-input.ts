// A delivered task's input as its handler receives it: JSON text parsed, encrypted fields decrypted in memory (never
// stored: the result cache only keeps what the handler returns), then checked against the handler's schema.
import type { JsonValue } from '../../core';
import { containsEncrypted, FieldDecryptError, type ResolvedKey } from '../../platform/crypto';
import { reveal } from '../../platform/crypto/sensitive-leaves';
import type { DeliveredTask } from './delivered-task';
import { FatalTaskError, RetryableTaskError } from './task-error';
import type { AnyTaskHandler } from './task-handler';

/** Where the data key of an instance comes from; the worker's crypto runtime is one. */
export interface TaskKeys {
  keyFor(correlationId: string, waitMs: number): Promise<ResolvedKey>;
}

export interface TaskInputOptions {
  /** Absent without a key-encryption key: an encrypted input then fails the attempt, retryably. */
  readonly keys: TaskKeys | undefined;
  /** How long an attempt waits for a key the keys table has not read yet. */
  readonly keyWaitMs: number;
}

/** Throws FatalTaskError for input no attempt can use, RetryableTaskError while the instance's key is missing. */
export async function taskInput(
  task: DeliveredTask,
  handler: AnyTaskHandler,
  options: TaskInputOptions,
): Promise<unknown> {
  const json = parsed(task.input);
  const readable = containsEncrypted(json)
    ? await decrypted(json, task.context.correlationId, options)
    : json;
  return validated(handler, readable);
}

function parsed(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new FatalTaskError(`task input is not JSON: ${String(error)}`, 'invalid-input');
  }
}

/** Once the key is erased the handler sees `[erased]` where the sensitive values were. */
async function decrypted(
  json: JsonValue,
  correlationId: string,
  options: TaskInputOptions,
): Promise<JsonValue> {
  const key = await options.keys?.keyFor(correlationId, options.keyWaitMs);
  if (key === undefined) throw keyUnavailable(correlationId, options);
  try {
    return reveal(json, key === 'erased' ? key : { dataKey: key, aad: correlationId });
  } catch (error) {
    if (!(error instanceof FieldDecryptError)) throw error;
    throw new FatalTaskError(error.message, error.code, { cause: error });
  }
}

function keyUnavailable(correlationId: string, options: TaskInputOptions): RetryableTaskError {
  const why =
    options.keys === undefined
      ? 'this worker has no key-encryption key (STATEWRIGHT_KEK_FILE)'
      : `no data key of ${correlationId} was found within ${options.keyWaitMs} ms`;
  return new RetryableTaskError(`task input is encrypted and ${why}`, 'key-unavailable');
}

function validated(handler: AnyTaskHandler, json: JsonValue): unknown {
  const result = handler.input.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new FatalTaskError(`invalid task input: ${where}${issue?.message ?? 'rejected'}`, 'invalid-input');
}
