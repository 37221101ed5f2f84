// The worker's heartbeats: per task type it serves, its capacity and the handlers running now, written to the
// compacted health topic every interval; on stop a tombstone per type says the worker is gone. Orchestrators turn
// the fleet's beats into health commands of their partitions.
import type { LogProducer } from '../../platform/kafka/log-producer';
import type { Logger } from '../../platform/logging/logger';
import { farewellMessage, heartbeatMessage } from '../../platform/codec/heartbeat-record';
import type { Semaphore } from '../delivery/semaphore';

export class HeartbeatPublisher {
  private interval: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly producer: LogProducer,
    private readonly topic: string,
    private readonly worker: string,
    private readonly slots: ReadonlyMap<string, Semaphore>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.interval = setInterval(() => {
      this.beating = this.beating.then(() => this.beat(Date.now()));
    }, intervalMs);
    this.beating = this.beat(Date.now());
  }

  /** Never rejects: a lost beat is logged; the next one carries the same news. */
  async beat(now: number): Promise<void> {
    const records = [...this.slots].map(([taskType, slots]) =>
      heartbeatMessage({
        taskType,
        worker: this.worker,
        capacity: slots.limit,
        inFlight: slots.inUse,
        at: now,
      }),
    );
    try {
      await this.producer.send(this.topic, records);
    } catch (error) {
      this.logger.warn({ err: error }, 'publishing a heartbeat failed');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.beating;
    const records = [...this.slots.keys()].map((taskType) => farewellMessage(taskType, this.worker));
    try {
      await this.producer.send(this.topic, records);
    } catch (error) {
      this.logger.warn({ err: error }, 'publishing the farewell heartbeat failed');
    }
  }
}
