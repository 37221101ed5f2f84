// The ResultStore in Redis: one key per task id, written with SET NX so the first final result wins, kept for
// `ttlSeconds`.
import type { Redis } from 'ioredis';
import type { ResultStore } from './result-store';
import { ResultStoreError } from './result-store-error';
import { finalResultSchema, type FinalResult } from './task-result';

export interface RedisResultStoreOptions {
  /** The deployment's Redis prefix; results live under `<prefix>:task-result:<taskId>`. */
  readonly redisPrefix: string;
  /** How long a result is kept; a week when absent. */
  readonly ttlSeconds?: number;
}

const WEEK_SECONDS = 7 * 24 * 3600;

export class RedisResultStore implements ResultStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisResultStoreOptions,
  ) {}

  keyOf(taskId: string): string {
    return `${this.options.redisPrefix}:task-result:${taskId}`;
  }

  async get(taskId: string): Promise<FinalResult | undefined> {
    const raw = await this.call(() => this.redis.get(this.keyOf(taskId)), taskId);
    return raw === null ? undefined : this.parse(raw, taskId);
  }

  async keep(taskId: string, result: FinalResult): Promise<FinalResult> {
    const key = this.keyOf(taskId);
    const written = await this.call(
      () => this.redis.set(key, JSON.stringify(result), 'EX', this.options.ttlSeconds ?? WEEK_SECONDS, 'NX'),
      taskId,
    );
    if (written === 'OK') return result;
    const kept = await this.get(taskId);
    if (kept === undefined) {
      throw new ResultStoreError(`result of ${taskId} vanished between SET NX and GET`, true);
    }
    return kept;
  }

  private async call<T>(operation: () => Promise<T>, taskId: string): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new ResultStoreError(`redis failed for task ${taskId}: ${String(error)}`, true, { cause: error });
    }
  }

  private parse(raw: string, taskId: string): FinalResult {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new ResultStoreError(`stored result of ${taskId} is not JSON`, false, { cause: error });
    }
    const parsed = finalResultSchema.safeParse(json);
    if (!parsed.success) throw new ResultStoreError(`stored result of ${taskId} is not a task result`, false);
    return parsed.data;
  }
}
