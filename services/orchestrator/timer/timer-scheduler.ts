// Durable timers: on every tick, due timers of owned instances become `timer-fired` commands on the commands
// topic, and finished instances past their retention become purges. A published command (by its deterministic
// command id) is not published again until `republishMs` passed while it is still due.
import type { Command } from '../../core';
import type { Logger } from '../../platform/logging/logger';
import type { OrchestratorMetrics } from '../metrics/orchestrator-metrics';
import type { CommandLog } from '../../platform/kafka/command-log';

export interface TimerPolicy {
  readonly tickMs: number;
  readonly republishMs: number;
}

export interface TimerSource {
  readonly partition: number;
  due(now: number): Command[];
}

export class TimerScheduler {
  private readonly published = new Map<string, number>();
  private interval: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly sources: () => Iterable<TimerSource>,
    private readonly publisher: CommandLog,
    private readonly policy: TimerPolicy,
    private readonly metrics: OrchestratorMetrics,
    private readonly logger: Logger,
    /** A source whose due commands could not be read: its partition's state is not trusted. */
    private readonly failed: (partition: number, error: unknown) => void = () => undefined,
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

  /** Never rejects: a failed publish is logged and retried on the next tick; a failed source is reported. */
  async tick(now: number = Date.now()): Promise<void> {
    const due = [...this.sources()].flatMap((source) => this.dueOf(source, now));
    const pending = new Set(due.map((command) => command.commandId as string));
    for (const id of this.published.keys()) if (!pending.has(id)) this.published.delete(id);
    const fresh = due.filter((command) => {
      const at = this.published.get(command.commandId);
      return at === undefined || now - at >= this.policy.republishMs;
    });
    if (fresh.length === 0) return;
    try {
      await this.publisher.publishAll(fresh);
      for (const command of fresh) this.published.set(command.commandId, now);
      this.metrics.timersPublished.inc(fresh.length);
    } catch (error) {
      this.logger.error({ err: error, timers: fresh.length }, 'publishing due timers failed');
    }
  }

  private dueOf(source: TimerSource, now: number): Command[] {
    try {
      return source.due(now);
    } catch (error) {
      this.logger.error({ err: error, partition: source.partition }, 'reading due timers failed');
      this.failed(source.partition, error);
      return [];
    }
  }
}
