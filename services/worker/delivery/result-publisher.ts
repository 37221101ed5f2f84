// Publishes task-result commands through one idempotent producer, grouping the results that arrive while a send is
// in flight into the next send, so many concurrent handlers cost few round trips.
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

  private kick(): void {
    if (this.draining !== undefined) return;
    this.draining = this.drain().finally(() => {
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
