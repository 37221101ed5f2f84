// The worker SDK: handlers per task type, run idempotently by task id, answered with task-result commands. Task
// inputs arrive with their sensitive fields decrypted (given the keys); outputs leave as returned, unencrypted.
// createWorker takes ports, not clients: a LogClient (createKafka builds the Kafka one), a WorkerCodec
// (EnvelopeCodec) and a ResultStore (RedisResultStore); the worker process builds all three from its settings.
export { createWorker, type Worker, type WorkerOptions } from './worker';
export type { LogClient } from '../platform/kafka/log-client';
export { createKafka } from '../platform/kafka/kafka-client';
export type { WorkerCodec } from './task/worker-codec';
export type { ResultStore } from './task/result-store';
export { RedisResultStore, type RedisResultStoreOptions } from './task/redis-result-store';
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
