// The circuit survives a crash: an orchestrator process serving a team module is killed (SIGKILL) while a task
// type's circuit is open on both partitions; the next one restores (snapshot and changelog), keeps the circuit
// open and the same instances deferred, defers new ones, and once the worker recovers every instance completes
// with each run requested once (the tasks topic, read_committed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HealthRecord, LogRecord, OpenTask } from '../../../services/core';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import type { Worker } from '../../../services/worker';
import { CircuitLog, circuitSettings, PAY_RULE, startPayWorker } from '../../harness/circuits';
import { eventually } from '../../harness/eventually';
import { startOrder } from '../../harness/order-commands';
import { fleetEnvironment } from '../../harness/example-fleet';
import { repoRoot } from '../../harness/infrastructure';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { ProcessFleet, type ServiceProcess } from '../../harness/process-fleet';
import type { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(180_000);

const RULE = PAY_RULE;

/** The team's workflow module, as `statewright orchestrator --workflows` loads it: plain JS on the built core. */
const MODULE = `
const { setup } = require(${JSON.stringify(path.join(repoRoot, 'dist', 'services', 'core', 'index.js'))});
const { z } = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'zod'))});
const flow = setup({
  types: {},
  input: z.object({}),
  events: {},
  tasks: { pay: { retry: { maxAttempts: 20, backoff: { kind: 'fixed', ms: 200 }, jitter: 0 } } },
});
exports.workflows = [
  flow.define({
    name: 'payment',
    version: 1,
    initial: 'paying',
    context: () => ({}),
    states: {
      paying: { invoke: { tasks: [{ task: 'pay' }], onDone: 'paid', onError: 'failed' } },
      paid: { final: 'completed' },
      failed: { final: 'failed' },
    },
  }),
];
`;

const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-circuit-'));
let fixture: OrchestratorFixture;
let fleet: ProcessFleet;
let orchestrator: ServiceProcess;
let transitions: TopicTail<LogRecord>;
let log: CircuitLog;
let tasks: TopicTail<TaskEnvelope>;
let worker: Worker;
let failing = false;
const runs = new Map<string, number>();

const start = (id: string) => startOrder(id, {}, 'payment');
let settings = 0;
const settingsOf = (rule: typeof RULE) => circuitSettings(`circuit-${++settings}`, { rule });

const healthSeen = () =>
  transitions.seen.filter((e) => (e.value as { kind: string }).kind === 'health') as unknown as {
    partition: number;
    value: HealthRecord;
  }[];
/** The latest circuit phase of `pay` on each partition that logged one. */
const phaseByPartition = () => {
  const phases = new Map<number, string | undefined>();
  for (const entry of healthSeen()) phases.set(entry.partition, entry.value.entry.circuit?.phase);
  return phases;
};
const moves = (id: string) => log.moves(id);
const waitParked = (id: string) => log.waitParked(id, 60_000);
const waitCompleted = (id: string) => log.waitCompleted(id, 90_000);

async function startOrchestrator(): Promise<ServiceProcess> {
  const service = fleet.start('orchestrator', 'services/orchestrator/main.js');
  await fleet.waitForLine(service, /orchestrator ready/, 90_000);
  return service;
}

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-circuit-kill', 2);
  const module = path.join(workdir, 'payment-workflows.js');
  writeFileSync(module, MODULE);
  const env = fleetEnvironment(fixture.namespace, {
    STATEWRIGHT_WORKFLOWS: module,
    STATEWRIGHT_PARTITIONS: '2',
  });
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'integration', fixture.namespace.prefix), env);
  transitions = await fixture.tailTransitions();
  log = new CircuitLog(transitions);
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  orchestrator = await startOrchestrator();
  worker = await startPayWorker(fixture, { name: 'payment-worker', failing: () => failing, runs });
});

afterAll(async () => {
  await worker?.stop();
  await fleet?.stopAll();
  await transitions?.stop();
  await tasks?.stop();
  await fixture?.close();
  rmSync(workdir, { recursive: true, force: true });
});

test('killed while the circuit is open, the orchestrator restores it open; nothing is lost or run twice', async () => {
  await fixture.publisher.publishToEveryPartition(settingsOf(RULE), fixture.partitions);
  await eventually('both partitions to log the rule', () => phaseByPartition().size === 2);
  failing = true;
  const first = Array.from({ length: 6 }, (_, i) => `c${i}`);
  await fixture.publisher.publishAll(first.map(start));
  const deferred = new Map<string, OpenTask>();
  for (const id of first) deferred.set(id, await waitParked(id));
  await eventually('the circuit to be open on both partitions', () =>
    [...phaseByPartition().values()].every((phase) => phase === 'open'),
  );
  const requestedBefore = tasks.values().length;

  await fleet.kill(orchestrator);
  orchestrator = await startOrchestrator();

  const later = ['d0', 'd1', 'd2', 'd3'];
  await fixture.publisher.publishAll(later.map(start));
  for (const id of later) deferred.set(id, await waitParked(id));
  for (const id of later) expect(moves(id)[0]!.env?.circuits?.['pay']?.phase).toBe('open');
  expect(tasks.values().length).toBe(requestedBefore);

  failing = false;
  await fixture.publisher.publishToEveryPartition(settingsOf({ ...RULE, openMs: 500 }), fixture.partitions);
  const all = [...first, ...later];
  for (const id of all) await waitCompleted(id);
  const requested = tasks.values().filter((t) => all.includes(t.correlationId));
  expect(new Set(requested.map((t) => t.runId)).size).toBe(requested.length);
  for (const t of requested) expect(runs.get(t.runId)).toBe(1);
  for (const [id, parked] of deferred) {
    const mine = requested.filter((t) => t.correlationId === id);
    expect(mine.filter((t) => t.runId === parked.runId)).toHaveLength(1);
    expect(Math.max(...mine.map((t) => t.attempt))).toBe(parked.attempt);
  }
});
