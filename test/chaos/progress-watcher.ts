// Follows the transitions topic during a chaos run and keeps each instance's latest state, so
// disturbances and the end of a run wait for progress, not for time.
import { readerGroupId } from '../harness/namespace';
import type { Kafka } from 'kafkajs';
import { kafkajsLogClient } from '../../services/platform/kafka/kafka-client';
import type { LogConsumer } from '../../services/platform/kafka/log-consumer';
import type { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import type { TransitionEnvelope } from '../../services/platform/codec/transition-envelope';

const FINAL = new Set(['completed', 'failed', 'cancelled', 'compensated', 'timed_out']);

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: () => void;
}

export class ProgressWatcher {
  /** Through the services' consumer adapter, which starts again a consumer kafkajs gave up on. */
  private readonly consumer: LogConsumer;
  /** correlationId → the latest state and status the log shows. */
  readonly latest = new Map<string, { state: string; status: string }>();
  private waiters: Waiter[] = [];
  /** What the watcher itself went through, for a timeout's message: records read, group joins, crashes. */
  private readonly history = { records: 0, joins: 0, crashes: [] as string[] };
  /** More to say when a wait times out (the other consumers of the run, say). */
  describeAlso: () => string = () => '';

  constructor(
    kafka: Kafka,
    private readonly codec: EnvelopeCodec,
    private readonly topic: string,
    private readonly expected: number,
  ) {
    this.consumer = kafkajsLogClient(kafka).consumer({
      groupId: readerGroupId('watcher'),
      readUncommitted: false,
      maxWaitTimeInMs: 100,
    });
  }

  async start(): Promise<void> {
    this.consumer.onGroupJoin(() => {
      this.history.joins += 1;
    });
    this.consumer.onCrash(({ error }) => {
      this.history.crashes.push(String(error));
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.records) {
          this.history.records += 1;
          const record = (await this.codec.decode('transition', message.value)) as TransitionEnvelope;
          if (record.kind === 'transition' && record.to !== null) {
            this.latest.set(record.correlationId, { state: record.to, status: record.status ?? 'running' });
          }
        }
        this.waiters = this.waiters.filter((waiter) => (waiter.check() ? (waiter.resolve(), false) : true));
      },
    });
  }

  count(predicate: (entry: { state: string; status: string }) => boolean): number {
    let n = 0;
    for (const entry of this.latest.values()) if (predicate(entry)) n += 1;
    return n;
  }

  /** Resolves once `count` instances (at most the expected number) have reached a final status. */
  finished(count: number, timeoutMs: number): Promise<void> {
    const target = Math.min(count, this.expected);
    return this.until(
      `${target} finished instances`,
      () => this.count((e) => FINAL.has(e.status)) >= target,
      timeoutMs,
    );
  }

  /** Resolves once `check` holds after a batch; rejects after `timeoutMs`, naming what it waited for. */
  until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const finished = this.count((e) => FINAL.has(e.status));
        const { records, joins, crashes } = this.history;
        reject(
          new Error(
            `waited ${timeoutMs} ms for ${what}; ${finished} of ${this.expected} instances finished ` +
              `(the watcher read ${records} transition records, joined its group ${joins} times, ` +
              `crashed ${crashes.length} times${crashes.length > 0 ? `, last: ${crashes.at(-1)}` : ''}` +
              `${this.describeAlso()})`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
