// The worker SDK: handlers per task type, run idempotently by task id, answered with task-result commands. Task
// inputs arrive with their sensitive fields decrypted (given the keys); outputs leave as returned, unencrypted.
export { createWorker, type Worker, type WorkerOptions } from './worker';
export { loadHandlers, handlersOf, type HandlerRuntime } from './handlers-module';
export { startWorkerCrypto, type WorkerCryptoOptions } from './worker-crypto';
export type { TaskKeys } from './task/task-input';
export {
  taskHandler,
  type TaskHandler,
  type AnyTaskHandler,
  type HandlerMap,
  type TaskContext,
  type TaskKind,
} from './task/task-handler';
export { RetryableTaskError, FatalTaskError, AsyncCompletion } from './task/task-error';
export type { UnknownErrorPolicy } from './task/error-classification';
export type { TaskResult } from './task/task-result';
export { ResultStoreError } from './task/result-store-error';
export { WorkerStoppingError } from './task/worker-stopping-error';
export { WorkerStartError } from './worker-start-error';
