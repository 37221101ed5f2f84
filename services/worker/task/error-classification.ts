// Turns whatever a handler threw into a task result: typed task errors say it themselves, anything else is
// retryable unless the worker was configured to call it fatal.
import type { TaskError } from '../../core';
import { AsyncCompletion, FatalTaskError, RetryableTaskError } from './task-error';
import type { TaskResult } from './task-result';

export type UnknownErrorPolicy = 'retryable' | 'fatal';

const UNCLASSIFIED_CODE = 'unclassified';

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : UNCLASSIFIED_CODE;
}

function errorOf(error: unknown): TaskError {
  const message = error instanceof Error ? error.message : String(error);
  return { message, code: codeOf(error) };
}

export function classify(error: unknown, unknownErrors: UnknownErrorPolicy): TaskResult {
  if (error instanceof AsyncCompletion) return { kind: 'async', reason: error.reason };
  if (error instanceof FatalTaskError) return { kind: 'fatal', error: errorOf(error) };
  if (error instanceof RetryableTaskError) return { kind: 'retryable', error: errorOf(error) };
  return { kind: unknownErrors, error: errorOf(error) };
}
