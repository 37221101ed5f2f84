// Flow control on the real stack: with an in-flight limit of 5 for a task type, two orchestrators (one partition
// each) never have more than 5 of its runs open at once, and a second workflow using the same type still
// progresses while a busy one floods it. No run is retried or requested twice.
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import {
  createRegistry,
  HEALTH_WORKFLOW,
  healthKey,
  setup,
  type CircuitSettingsCommand,
  type CommandId,
  type CorrelationId,
  type HealthRecord,
  type LogRecord,
  type Transition,
} from '../../../services/core';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import { createWorker, RedisResultStore, taskHandler, type Worker } from '../../../services/worker';
import { eventually } from '../../harness/eventually';
import { startOrder } from '../../harness/order-commands';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(180_000);

const LIMIT = 5;
const shipper = (name: string) =>
  setup({ types: {} as { context: object }, input: z.object({}), events: {}, tasks: { ship: {} } }).define({
    name,
    version: 1,
    initial: 'shipping',
    context: () => ({}),
    states: {
      shipping: { invoke: { tasks: [{ task: 'ship' }], onDone: 'shipped', onError: 'failed' } },
      shipped: { final: 'completed' },
      failed: { final: 'failed' },
    },
  });
const registry = createRegistry([shipper('bulk'), shipper('express')]);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let tasks: TopicTail<TaskEnvelope>;
let worker: Worker;
let running = 0;
let mostRunning = 0;

const start = (workflow: string, id: string) => startOrder(id, {}, workflow);
const limit: CircuitSettingsCommand = {
  type: 'circuit-settings',
  commandId: 'limit-ship' as CommandId,
  correlationId: healthKey('ship') as CorrelationId,
  workflow: HEALTH_WORKFLOW,
  actor: 'ops@example.com',
  timestamp: Date.now(),
  expectedSeq: null,
  sourceSeq: null,
  taskType: 'ship',
  hold: undefined,
  rule: undefined,
  maxInFlight: LIMIT,
};
const completed = (id: string) =>
  transitions
    .values()
    .some(
      (r): r is Transition => r.kind === 'transition' && r.correlationId === id && r.status === 'completed',
    );

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-flow', 2);
  transitions = await fixture.tailTransitions();
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  await fixture.startOrchestrator(registry);
  await fixture.startOrchestrator(registry);
  worker = createWorker({
    log: fixture.log,
    codec: fixture.codec,
    results: new RedisResultStore(fixture.redis, { redisPrefix: fixture.namespace.redisPrefix }),
    topics: fixture.topics,
    groupId: `${fixture.namespace.groupId}.workers`,
    name: 'flow-worker',
    logger: fixture.logger,
    concurrency: 50,
    handlers: {
      ship: taskHandler(z.object({}), async () => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        try {
          await delay(40); // the shipment's own work, not a wait for the test
          return {};
        } finally {
          running -= 1;
        }
      }),
    },
  });
  await worker.start();
  await fixture.publisher.publishToEveryPartition(limit, fixture.partitions);
  await eventually('the limit to be logged by every partition', () => {
    const logged = transitions.seen
      .filter((e) => (e.value as { kind: string }).kind === 'health')
      .filter((e) => (e.value as unknown as HealthRecord).entry.maxInFlight === LIMIT);
    return new Set(logged.map((e) => e.partition)).size === fixture.partitions;
  });
});

afterAll(async () => {
  await worker?.stop();
  await transitions?.stop();
  await tasks?.stop();
  await fixture?.close();
});

test('never more than the limit in flight across two orchestrators; a second workflow still progresses', async () => {
  const bulk = Array.from({ length: 40 }, (_, i) => `bulk-${i}`);
  const express = Array.from({ length: 5 }, (_, i) => `express-${i}`);
  await fixture.publisher.publishAll(bulk.map((id) => start('bulk', id)));
  await fixture.publisher.publishAll(express.map((id) => start('express', id)));
  await eventually('every express shipment to complete', () => express.every(completed), {
    timeoutMs: 90_000,
  });
  await eventually('every bulk shipment to complete', () => bulk.every(completed), { timeoutMs: 90_000 });

  expect(mostRunning).toBeGreaterThan(1);
  expect(mostRunning).toBeLessThanOrEqual(LIMIT);
  const requested = tasks.values().filter((t) => t.type === 'ship');
  expect(requested).toHaveLength(bulk.length + express.length);
  expect(new Set(requested.map((t) => t.runId)).size).toBe(requested.length);
  expect(requested.every((t) => t.attempt === 1)).toBe(true);
  const waited = transitions
    .values()
    .filter((r): r is Transition => r.kind === 'transition' && r.tasks.put.some((t) => t.parked));
  expect(waited.length).toBeGreaterThan(0);
});
