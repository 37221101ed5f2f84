// Durable timers: on every tick, due timers of owned instances become `timer-fired` commands on the commands
// topic. A published timer is not published again until `republishMs` passed while it is still pending.
import type { TimerFiredCommand } from '../../core';
import type { Logger } from '../../platform/logging/logger';
import type { OrchestratorMetrics } from '../../platform/metrics/orchestrator-metrics';
import type { CommandPublisher } from '../client/command-publisher';

export interface TimerPolicy {
  readonly tickMs: number;
  readonly republishMs: number;
}

export interface TimerSource {
  dueTimers(now: number): TimerFiredCommand[];
}

export class TimerScheduler {
  private readonly published = new Map<string, number>();
  private interval: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly sources: () => Iterable<TimerSource>,
    private readonly publisher: CommandPublisher,
    private readonly policy: TimerPolicy,
    private readonly metrics: OrchestratorMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.interval = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick());
    }, this.policy.tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    this.interval = undefined;
    await this.ticking;
  }

  /** Never rejects: a failed publish is logged and retried on the next tick. */
  async tick(now: number = Date.now()): Promise<void> {
    const due = [...this.sources()].flatMap((source) => source.dueTimers(now));
    const pending = new Set(due.map((command) => command.timerId as string));
    for (const timerId of this.published.keys()) if (!pending.has(timerId)) this.published.delete(timerId);
    const fresh = due.filter((command) => {
      const at = this.published.get(command.timerId);
      return at === undefined || now - at >= this.policy.republishMs;
    });
    if (fresh.length === 0) return;
    try {
      await this.publisher.publishAll(fresh);
      for (const command of fresh) this.published.set(command.timerId, now);
      this.metrics.timersPublished.inc(fresh.length);
    } catch (error) {
      this.logger.error({ err: error, timers: fresh.length }, 'publishing due timers failed');
    }
  }
}
