// Starting while a dependency is down: try, and on failure wait with a bounded, growing backoff and try again,
// for as long as it takes, logging what is awaited. A service started during an outage comes up when the
// dependency returns instead of exiting and staying down.
import { setTimeout as delay } from 'node:timers/promises';
import { StatewrightError } from '../../core';
import type { Logger } from '../logging/logger';
import type { Readiness } from './readiness';

export interface WaitPolicy {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEPENDENCY_WAIT: WaitPolicy = { firstDelayMs: 250, maxDelayMs: 5_000 };

export interface WaitContext {
  readonly logger: Logger;
  readonly readiness?: Readiness;
  readonly policy?: WaitPolicy;
  /** Stops the waiting (the process is stopping): the last failure is thrown. */
  readonly signal?: AbortSignal;
}

export async function untilAvailable<T>(
  dependency: string,
  attempt: () => Promise<T>,
  { logger, readiness, policy = DEPENDENCY_WAIT, signal }: WaitContext,
): Promise<T> {
  let pause = policy.firstDelayMs;
  for (let tries = 1; ; tries++) {
    try {
      const value = await attempt();
      readiness?.reached(dependency);
      if (tries > 1) logger.info({ dependency, tries }, `${dependency} reached`);
      return value;
    } catch (error) {
      // Waiting cannot mend a refusal that says so (a wrong setting, an invalid schema): that ends the start.
      if (signal?.aborted || (error instanceof StatewrightError && !error.retriable)) throw error;
      readiness?.waitingFor(dependency);
      // Jittered: processes that failed together (two orchestrators racing to publish) do not retry in step.
      const retryInMs = Math.round(pause / 2 + Math.random() * pause);
      logger.warn({ dependency, tries, retryInMs, err: error }, `waiting for ${dependency}`);
      await delay(retryInMs, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw error;
      pause = Math.min(policy.maxDelayMs, pause * 2);
    }
  }
}
