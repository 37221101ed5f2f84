// A test's view of one statewright namespace: its topics, a producer of task requests and a reader that keeps
// every task-result command published so far, parsed by the core, with a bounded wait for the ones a test needs.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { parseCommand, type TaskResultCommand } from '../../../services/core';
import { fromCommandEnvelope, type CommandEnvelope } from '../../../services/platform/codec/command-envelope';
import { EnvelopeCodec } from '../../../services/platform/codec/envelope-codec';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import { kafkajsLogClient } from '../../../services/platform/kafka/kafka-client';
import type { LogClient } from '../../../services/platform/kafka/log-client';
import { topicNames, type TopicNames } from '../../../services/platform/kafka/topic-names';
import { provisionTopics } from '../../../services/platform/kafka/topic-provisioner';
import { readerGroupId, type Endpoints, type TestNamespace } from '../../harness/namespace';

export interface ReceivedResult {
  readonly command: TaskResultCommand;
  readonly headers: IHeaders;
  readonly partition: number;
}

export class TaskBus {
  readonly received: ReceivedResult[] = [];
  /** Commands a worker published that the core would refuse: any one fails every wait. */
  readonly problems: Error[] = [];
  private readonly waiters = new Set<() => void>();

  /** The bus's client as the services' port. */
  readonly log: LogClient;

  private constructor(
    readonly kafka: Kafka,
    readonly topics: TopicNames,
    readonly codec: EnvelopeCodec,
    private readonly producer: Producer,
    private readonly reader: Consumer,
  ) {
    this.log = kafkajsLogClient(kafka);
  }

  static async open(endpoints: Endpoints, ns: TestNamespace): Promise<TaskBus> {
    const kafka = new Kafka({
      brokers: [endpoints.kafkaBrokers],
      clientId: ns.prefix,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 25, retries: 8 },
    });
    const topics = topicNames(ns.prefix);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await provisionTopics(admin, topics, { partitions: 2, transitionsRetentionMs: -1 });
    } finally {
      await admin.disconnect();
    }
    const codec = await EnvelopeCodec.connect({ registryUrl: endpoints.schemaRegistryUrl, topics });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const reader = kafka.consumer({ groupId: readerGroupId('reader') });
    const bus = new TaskBus(kafka, topics, codec, producer, reader);
    await bus.startReading();
    return bus;
  }

  /** Publishes task requests in one send, in order; each is keyed by its correlation id. */
  async publish(tasks: readonly TaskEnvelope[], headers: IHeaders = {}): Promise<void> {
    await this.producer.send({
      topic: this.topics.tasks,
      messages: tasks.map((task) => ({
        key: task.correlationId,
        value: this.codec.encode('task-request', task),
        headers,
      })),
    });
  }

  /** Results for `runId` once at least `count` arrived, or a timeout error naming what did arrive. */
  async resultsOf(runId: string, count = 1, timeoutMs = 20_000): Promise<ReceivedResult[]> {
    const matching = () => this.received.filter((result) => result.command.runId === runId);
    await this.until(() => matching().length >= count, timeoutMs, `${count} result(s) of ${runId}`);
    return matching();
  }

  async close(): Promise<void> {
    await this.reader.disconnect();
    await this.producer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: Object.values(this.topics) });
    } finally {
      await admin.disconnect();
    }
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.problems.length > 0) {
          clearTimeout(timer);
          this.waiters.delete(check);
          reject(this.problems[0]);
          return;
        }
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = this.received.map((result) => result.command.runId).join(', ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: [${seen}]`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private parse(envelope: CommandEnvelope): TaskResultCommand | Error {
    const shape = fromCommandEnvelope(envelope);
    if (!shape.ok) return new Error(`worker published a malformed command: ${shape.message}`);
    const parsed = parseCommand(shape.command);
    if (!parsed.ok) return new Error(`the core refuses a worker's command: ${parsed.message}`);
    if (parsed.command.type !== 'task-result') return new Error(`unexpected ${parsed.command.type} command`);
    return parsed.command;
  }

  private async startReading(): Promise<void> {
    const joined = new Promise<void>((resolve) => {
      const remove = this.reader.on(this.reader.events.GROUP_JOIN, () => (remove(), resolve()));
    });
    await this.reader.connect();
    await this.reader.subscribe({ topic: this.topics.commands, fromBeginning: true });
    await this.reader.run({
      eachMessage: async ({ message, partition }) => {
        const envelope = (await this.codec.decode('command', message.value)) as CommandEnvelope;
        const parsed = this.parse(envelope);
        if (parsed instanceof Error) this.problems.push(parsed);
        else this.received.push({ command: parsed, headers: message.headers ?? {}, partition });
        for (const waiter of [...this.waiters]) waiter();
      },
    });
    await joined;
  }
}

let serial = 0;

type Overrides = Partial<Pick<TaskEnvelope, 'correlationId' | 'attempt' | 'kind' | 'workflow'>> & {
  /** The seq of the transition that opened the task: tasks of one instance differ by it. */
  readonly seq?: number;
};

/** A task request of `type` for a fresh correlation id unless one is given; seq and attempt 1 unless told. */
export function taskRequest(type: string, input: unknown, overrides: Overrides = {}): TaskEnvelope {
  const correlationId = overrides.correlationId ?? `order-${randomUUID().slice(0, 8)}-${++serial}`;
  const attempt = overrides.attempt ?? 1;
  const taskId = `${correlationId}/${overrides.seq ?? 1}/0`;
  return {
    taskId,
    runId: `${taskId}#${attempt}`,
    attempt,
    type,
    kind: overrides.kind ?? 'action',
    correlationId,
    workflow: overrides.workflow ?? 'test-flow',
    version: 1,
    input: JSON.stringify(input),
  };
}

/** The same task as `task`, attempt `attempt`. */
export const retryOf = (task: TaskEnvelope, attempt: number): TaskEnvelope => ({
  ...task,
  attempt,
  runId: `${task.taskId}#${attempt}`,
});
