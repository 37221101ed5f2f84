// A task output that would make the next record too large is the task's failure, not a dead letter: the order
// compensates what it did (the payment authorised beside it is refunded) instead of stalling after the charge.
import type { LogRecord } from '../../services/core';
import { orderSaga } from '../../examples/order-saga/definition';
import { createRegistry } from '../../services/core';
import type { DeadLetterEnvelope } from '../../services/platform/codec/dead-letter-envelope';
import type { TaskEnvelope } from '../../services/platform/codec/task-envelope';
import { OrchestratorFixture } from '../harness/orchestrator-fixture';
import { startOrder, succeeded } from '../harness/order-commands';
import type { TopicTail } from '../harness/topic-tail';

jest.setTimeout(60_000);

const MAX_RECORD_BYTES = 200_000;
/** Fits a command record, but copied into the context and the compensation's input it exceeds the limit. */
const HUGE_RESERVATION = 'r'.repeat(120_000);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let tasks: TopicTail<TaskEnvelope>;
let dlq: TopicTail<DeadLetterEnvelope>;

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('sec-oversized', 1);
  transitions = await fixture.tailTransitions();
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  dlq = await fixture.tailEnvelopes<DeadLetterEnvelope>(fixture.topics.dlq, 'dead-letter');
  // The test plays the workers; the inventory service answers with an absurdly long reservation id.
  tasks.onMessage(async ({ value }) => {
    const result = succeeded(value);
    if (value.type !== 'reserve-inventory' || result.outcome.kind !== 'succeeded') {
      return fixture.publisher.publish(result);
    }
    await fixture.publisher.publish({
      ...result,
      outcome: { ...result.outcome, output: { reservationId: HUGE_RESERVATION } },
    });
  });
  await fixture.startOrchestrator(createRegistry([orderSaga()]), { maxRecordBytes: MAX_RECORD_BYTES });
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), tasks?.stop(), dlq?.stop()]);
  await fixture?.close();
});

test('an output too large for the next record fails its task and the order compensates', async () => {
  const id = 'order-oversized';
  await fixture.publisher.publish(startOrder(id));
  const done = await transitions.waitFor(
    `${id} to finish`,
    (r) => r.correlationId === id && r.kind === 'transition' && r.status !== 'running',
  );
  expect(done).toMatchObject({ status: 'compensated' });
  const failed = transitions
    .values()
    .find((r) => r.correlationId === id && r.kind === 'transition' && r.to === 'compensating');
  expect(failed).toMatchObject({ context: { failure: expect.stringContaining('task output refused') } });
  const refunds = tasks.values().filter((t) => t.correlationId === id && t.type === 'refund-payment');
  expect(refunds).toHaveLength(1);
  expect(dlq.values().filter((letter) => letter.key?.toString() === id)).toEqual([]);
});
