// Plays the order saga's workers in a chaos run: answers every task request with the result its
// order's fate calls for (never answering a late shipment), and sends about a fifth of the answers twice.
// A send that fails (a broker killed mid-run) is tried again until it succeeds or the responder stops, as a
// worker would: the answers are commands with ids, so a copy that did get through is a duplicate.
import { readerGroupId } from '../harness/namespace';
import { setTimeout as delay } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { kafkajsLogClient } from '../../services/platform/kafka/kafka-client';
import type { LogConsumer } from '../../services/platform/kafka/log-consumer';
import type { LogProducer } from '../../services/platform/kafka/log-producer';
import type { JsonValue, TaskOutcome, TaskResultCommand } from '../../services/core';
import type { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';
import type { TaskEnvelope } from '../../services/platform/codec/task-envelope';
import type { TopicNames } from '../../services/platform/kafka/topic-names';
import { fateOf } from './order-traffic';

/** Between attempts of a failed send. */
const RESEND_PAUSE_MS = 200;

export function outcomeFor(task: TaskEnvelope): TaskOutcome | undefined {
  const orderId = task.correlationId;
  const fate = fateOf(orderId);
  switch (task.type) {
    case 'reserve-inventory':
      return fate === 'out-of-stock'
        ? { kind: 'fatal', error: { message: 'out of stock', code: 'out-of-stock' } }
        : succeeded({ reservationId: `reservation-${orderId}` });
    case 'authorize-payment':
      return fate === 'flaky-payment' && task.attempt === 1
        ? { kind: 'retryable', error: { message: 'payment gateway timed out', code: 'timeout' } }
        : succeeded({ authorizationId: `authorization-${orderId}` });
    case 'ship-order':
      return fate === 'ships-late' ? undefined : succeeded({ shipmentId: `shipment-${orderId}` });
    default:
      return succeeded({ done: task.type });
  }
}

const succeeded = (output: JsonValue): TaskOutcome => ({ kind: 'succeeded', output });

export class TaskResponder {
  /** Through the services' consumer adapter, which starts again a consumer kafkajs gave up on. */
  private readonly consumer: LogConsumer;
  private readonly producer: LogProducer;
  private stopped = false;
  answered = 0;
  /** Sends that failed and were tried again. */
  private failedSends = 0;
  private joins = 0;
  private readonly crashes: string[] = [];

  constructor(
    kafka: Kafka,
    private readonly codec: EnvelopeCodec,
    private readonly topics: TopicNames,
    private readonly random: () => number,
    private readonly duplicateRate: number,
  ) {
    const client = kafkajsLogClient(kafka);
    this.consumer = client.consumer({
      groupId: readerGroupId('responder'),
      readUncommitted: false,
      maxWaitTimeInMs: 100,
    });
    this.producer = client.producer({ idempotent: true });
  }

  /** The responder's progress, for a timed-out wait's message. */
  describe(): string {
    const last = this.crashes.at(-1);
    return `the responder sent ${this.answered} results (${this.failedSends} sends tried again), joined its group ${this.joins} times, crashed ${this.crashes.length} times${last === undefined ? '' : `, last: ${last}`}`;
  }

  async start(): Promise<void> {
    this.consumer.onGroupJoin(() => {
      this.joins += 1;
    });
    this.consumer.onCrash(({ error }) => {
      this.crashes.push(String(error));
    });
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.tasks, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const messages = [];
        for (const message of batch.records) {
          const task = (await this.codec.decode('task-request', message.value)) as TaskEnvelope;
          const outcome = outcomeFor(task);
          if (outcome === undefined) continue;
          const value = this.codec.encode('command', toCommandEnvelope(this.resultOf(task, outcome)));
          const copies = this.random() < this.duplicateRate ? 2 : 1;
          for (let i = 0; i < copies; i++) messages.push({ key: task.correlationId, value });
        }
        if (messages.length > 0) await this.send(messages);
        this.answered += messages.length;
      },
    });
  }

  private async send(records: { key: string; value: Buffer }[]): Promise<void> {
    for (;;) {
      try {
        await this.producer.send(this.topics.commands, records);
        return;
      } catch (error) {
        if (this.stopped) throw error;
        this.failedSends += 1;
        await delay(RESEND_PAUSE_MS);
      }
    }
  }

  private resultOf(task: TaskEnvelope, outcome: TaskOutcome): TaskResultCommand {
    return {
      type: 'task-result',
      commandId: task.runId as TaskResultCommand['commandId'],
      correlationId: task.correlationId as TaskResultCommand['correlationId'],
      workflow: task.workflow,
      actor: 'chaos-responder',
      timestamp: Date.now(),
      expectedSeq: null,
      sourceSeq: null,
      taskId: task.taskId as TaskResultCommand['taskId'],
      runId: task.runId as TaskResultCommand['runId'],
      outcome,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
