// The task handlers a worker runs: the `handlers` export of the team's module, either a map of task type →
// handler or a function that builds one from what the worker shares with its handlers.
import type { Redis } from 'ioredis';
import { ModuleError } from '../platform/workflows/module-error';
import { loadTeamModule } from '../platform/workflows/team-module';
import type { AnyTaskHandler, HandlerMap } from './task/task-handler';

/** What a worker lends its handlers: its Redis connection and the key prefix its deployment uses. */
export interface HandlerRuntime {
  readonly redis: Redis;
  readonly redisPrefix: string;
}

export async function loadHandlers(path: string, runtime: HandlerRuntime): Promise<HandlerMap> {
  const exports = await loadTeamModule(path, '--handlers');
  const exported = exports.handlers;
  const built: unknown = typeof exported === 'function' ? await exported(runtime) : exported;
  return handlersOf(path, built);
}

export function handlersOf(path: string, built: unknown): HandlerMap {
  if (typeof built !== 'object' || built === null || Object.keys(built).length === 0) {
    throw new ModuleError(
      path,
      'exports no `handlers`: export a map of task type → taskHandler(...), or a function returning one',
    );
  }
  for (const [type, handler] of Object.entries(built)) {
    if (!isHandler(handler)) {
      throw new ModuleError(
        path,
        `handlers['${type}'] is not a handler built with taskHandler(schema, handle)`,
      );
    }
  }
  return built as HandlerMap;
}

function isHandler(value: unknown): value is AnyTaskHandler {
  if (typeof value !== 'object' || value === null) return false;
  const { input, handle } = value as Partial<AnyTaskHandler>;
  return (
    typeof handle === 'function' &&
    typeof (input as { safeParse?: unknown } | undefined)?.safeParse === 'function'
  );
}
