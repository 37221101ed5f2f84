// Publishes task-result commands through one idempotent producer, grouping into one send the results that arrive in
// the same turn of the event loop and those that arrive while a send is in flight, so many concurrent handlers cost
// few round trips.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LogProducer } from '../../platform/kafka/log-producer';
import type { ProducedRecord } from '../../platform/kafka/records';

interface Queued {
  readonly record: ProducedRecord;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const MAX_MESSAGES_PER_SEND = 500;

export class ResultPublisher {
  private queue: Queued[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly producer: LogProducer,
    private readonly topic: string,
  ) {}

  /** Resolves once the broker acknowledged the record (acks = all). */
  publish(record: ProducedRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when everything queued so far was sent or failed. */
  async flush(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  /** Sends once the current turn of the event loop has queued what it will: a batch's results finish together. */
  private kick(): void {
    if (this.draining !== undefined) return;
    this.draining = nextTurn()
      .then(() => this.drain())
      .finally(() => {
        this.draining = undefined;
        if (this.queue.length > 0) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_MESSAGES_PER_SEND);
      try {
        await this.producer.send(
          this.topic,
          batch.map((entry) => entry.record),
        );
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
  }
}
