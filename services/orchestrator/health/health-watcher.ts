// Turns worker heartbeats into health commands: reads the compacted health topic, and every interval writes the
// task types whose fleet health changed as `health-changed` commands to every commands partition. The partitions
// decide and log them; nothing here reaches a decision directly.
import type { Logger } from '../../platform/logging/logger';
import type { CommandLog } from '../../platform/kafka/command-log';
import type { LogClient } from '../../platform/kafka/log-client';
import { TopicTable } from '../../platform/kafka/topic-table';
import { decodeHeartbeat, type Heartbeat } from '../../platform/codec/heartbeat-record';
import { fleetHealth, healthCommandOf, sameFleetEntry, type FleetEntry } from './fleet-health';

export interface HealthWatchPolicy {
  /** How often the fleet's health is compared with what was last written. */
  readonly intervalMs: number;
  /** A worker whose latest beat is older than this is not alive. */
  readonly staleMs: number;
}

export class HealthWatcher {
  private readonly written = new Map<string, FleetEntry>();
  private interval: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  private constructor(
    private readonly table: TopicTable<Heartbeat | null>,
    private readonly publisher: CommandLog,
    private readonly partitions: number,
    private readonly policy: HealthWatchPolicy,
    private readonly actor: string,
    private readonly logger: Logger,
  ) {}

  static async start(options: {
    readonly log: LogClient;
    readonly topic: string;
    readonly groupPrefix: string;
    readonly publisher: CommandLog;
    readonly partitions: number;
    readonly policy: HealthWatchPolicy;
    readonly actor: string;
    readonly logger: Logger;
  }): Promise<HealthWatcher> {
    const table = await TopicTable.start<Heartbeat | null>({
      log: options.log,
      topic: options.topic,
      logger: options.logger,
      what: 'health',
      groupIdPrefix: `${options.groupPrefix}.health`,
      decode: decodeHeartbeat,
    });
    await table.ready();
    const { publisher, partitions, policy, actor, logger } = options;
    const watcher = new HealthWatcher(table, publisher, partitions, policy, actor, logger);
    watcher.interval = setInterval(() => {
      watcher.ticking = watcher.ticking.then(() => watcher.tick(Date.now()));
    }, policy.intervalMs);
    return watcher;
  }

  /** Never rejects: a failed write is logged and tried again on the next tick. */
  async tick(now: number): Promise<void> {
    const beats = [...this.table.entries()].map(([, beat]) => beat);
    const fleet = fleetHealth(beats, this.written.keys(), now, this.policy.staleMs);
    for (const entry of fleet.values()) {
      if (sameFleetEntry(this.written.get(entry.taskType), entry)) continue;
      try {
        const command = healthCommandOf(entry, now, this.policy.intervalMs, this.actor);
        await this.publisher.publishToEveryPartition(command, this.partitions);
        this.written.set(entry.taskType, entry);
      } catch (error) {
        this.logger.error({ err: error, taskType: entry.taskType }, 'publishing a health change failed');
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.ticking;
    await this.table.stop();
  }
}
