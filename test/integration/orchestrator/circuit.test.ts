// Circuit breakers on the real stack: a task type's worker starts failing, the circuit opens after its rule's
// failures, new and running instances that reach the task are deferred (no task request, no attempt used), the
// worker recovers, the circuit probes half-open, closes, and every deferred instance completes with each run
// requested exactly once (the tasks topic, read_committed). Then the same with the orchestrator gone while the
// circuit is open and its snapshot lost: restored from the log alone, the circuit is still open.
import { createRegistry, type LogRecord, type OpenTask } from '../../../services/core';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import type { Orchestrator } from '../../../services/orchestrator/orchestrator';
import type { Worker } from '../../../services/worker';
import {
  CircuitLog,
  circuitSettings,
  PAY_RULE,
  paymentWorkflow,
  startPayWorker,
} from '../../harness/circuits';
import { eventually } from '../../harness/eventually';
import { startOrder } from '../../harness/order-commands';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(120_000);

const registry = createRegistry([paymentWorkflow()]);
const RULE = { ...PAY_RULE, openMs: 1_500 };

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let log: CircuitLog;
let tasks: TopicTail<TaskEnvelope>;
let orchestrator: Orchestrator | undefined;
let worker: Worker;
let failing = false;
/** Handler runs per run id: a run executed twice would show as 2. */
const runs = new Map<string, number>();

const start = (id: string) => startOrder(id, {}, 'payment');

let settingsCount = 0;
const settings = (rule: typeof RULE) => circuitSettings(`circuit-${++settingsCount}`, { rule });

const healthRecords = () => log.healthRecords();
const phases = () => log.phases();
const lastPhase = () => phases().at(-1);
const moves = (id: string) => log.moves(id);
const requestsOf = (id: string) => tasks.values().filter((t) => t.correlationId === id);
const waitParked = (id: string) => log.waitParked(id);
const waitCompleted = (id: string) => log.waitCompleted(id);

/** Every requested run was run once, and a deferred run was dispatched later with the attempt it was deferred at. */
function expectExactlyOnce(ids: readonly string[], deferred: Map<string, OpenTask>): void {
  const all = tasks.values().filter((t) => ids.includes(t.correlationId));
  const runIds = all.map((t) => t.runId);
  expect(new Set(runIds).size).toBe(runIds.length);
  for (const runId of runIds) expect(runs.get(runId)).toBe(1);
  for (const [id, parked] of deferred) {
    const requested = requestsOf(id);
    expect(requested.filter((t) => t.runId === parked.runId)).toHaveLength(1);
    // No attempt was used up while deferred: nothing after the deferred attempt was ever requested.
    expect(Math.max(...requested.map((t) => t.attempt))).toBe(parked.attempt);
  }
}

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-circuit', 1);
  transitions = await fixture.tailTransitions();
  log = new CircuitLog(transitions);
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  orchestrator = await fixture.startOrchestrator(registry);
  worker = await startPayWorker(fixture, { name: 'circuit-worker', failing: () => failing, runs });
  await fixture.publisher.publishToEveryPartition(settings(RULE), fixture.partitions);
  await eventually('the circuit rule to be logged', () => lastPhase() === 'closed');
});

afterAll(async () => {
  await worker?.stop();
  await transitions?.stop();
  await tasks?.stop();
  await fixture?.close();
});

test('a failing worker opens the circuit; deferred instances wait without using attempts and all complete once it closes', async () => {
  failing = true;
  await fixture.publisher.publishAll([start('a1'), start('a2')]);
  await eventually('the circuit to open', () => lastPhase() === 'open');
  const deferred = new Map<string, OpenTask>();
  // Running instances reach the task again (their retry) while open: deferred.
  for (const id of ['a1', 'a2']) deferred.set(id, await waitParked(id));
  // New instances reaching the task while open: deferred at their first attempt, no request at all.
  await fixture.publisher.publishAll([start('b1'), start('b2')]);
  for (const id of ['b1', 'b2']) deferred.set(id, await waitParked(id));
  expect(deferred.get('b1')!.attempt).toBe(1);
  expect(requestsOf('b1')).toEqual([]);
  expect(requestsOf('b2')).toEqual([]);
  const started = moves('b1')[0]!;
  expect(started.env?.circuits?.['pay']?.phase).toBe('open');

  failing = false;
  for (const id of ['a1', 'a2', 'b1', 'b2']) await waitCompleted(id);
  const seen = phases();
  const opened = seen.indexOf('open');
  expect(seen.indexOf('half-open', opened)).toBeGreaterThan(opened);
  expect(seen.lastIndexOf('closed')).toBeGreaterThan(seen.indexOf('half-open', opened));
  expectExactlyOnce(['a1', 'a2', 'b1', 'b2'], deferred);
});

test('restored from the log alone while the circuit is open, the orchestrator keeps it open and the same instances deferred', async () => {
  // A long open time, so the circuit cannot probe while the orchestrator is away.
  await fixture.publisher.publishToEveryPartition(settings({ ...RULE, openMs: 600_000 }), fixture.partitions);
  failing = true;
  await fixture.publisher.publishAll([start('c1'), start('c2')]);
  await eventually('the circuit to open again', () => lastPhase() === 'open');
  const deferred = new Map<string, OpenTask>();
  for (const id of ['c1', 'c2']) deferred.set(id, await waitParked(id));
  const before = tasks.values().length;

  await fixture.stopOrchestrator(orchestrator!);
  orchestrator = undefined;
  await fixture.deleteRedisKeys();
  const healthBefore = healthRecords().length;
  orchestrator = await fixture.startOrchestrator(registry);

  // Still open after restore: a new instance is deferred, and nothing deferred was dispatched.
  await fixture.publisher.publish(start('d1'));
  deferred.set('d1', await waitParked('d1'));
  expect(moves('d1')[0]!.env?.circuits?.['pay']?.phase).toBe('open');
  expect(tasks.values().length).toBe(before);
  expect(
    healthRecords()
      .slice(healthBefore)
      .map((r) => r.entry.circuit?.phase),
  ).not.toContain('closed');

  // The operator shortens the open time: the circuit probes, closes and every deferred instance completes.
  failing = false;
  await fixture.publisher.publishToEveryPartition(settings(RULE), fixture.partitions);
  for (const id of ['c1', 'c2', 'd1']) await waitCompleted(id);
  expectExactlyOnce(['c1', 'c2', 'd1'], deferred);
});
