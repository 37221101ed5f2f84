// Idle instances restored from the snapshot are held as their stored records: against real Kafka, registry and
// Redis, they are reported from their outlines, go on exactly once when a command or a timer needs them, and one
// whose record turns out damaged costs the partition a restore from the changelog, not the instance.
import { z } from 'zod';
import { createRegistry, setup, type LogRecord, type Transition } from '../../../services/core';
import type { Orchestrator } from '../../../services/orchestrator/orchestrator';
import { OrchestratorMetrics } from '../../../services/orchestrator/metrics/orchestrator-metrics';
import { decodeSnapshotRecord } from '../../../services/platform/redis/snapshot-record';
import { eventually } from '../../harness/eventually';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { signal, startOrder } from '../../harness/order-commands';
import { TopicTail } from '../../harness/topic-tail';

const WORKFLOW = 'stored-flow';
const SHORT = 'stored-short';
const SHORT_MS = 4_000;

/** Waits for `go`, or for its timer to expire it. */
const waitingFlow = (name: string, ms: number) =>
  setup({
    types: {} as { context: { id: string } },
    input: z.object({ id: z.string() }),
    events: { go: z.object({}) },
    tasks: {},
  }).define({
    name,
    version: 1,
    initial: 'waiting',
    context: (input) => input,
    states: {
      waiting: { after: { ms, target: 'expired' }, on: { go: { target: 'done' } } },
      done: { final: 'completed' },
      expired: { final: 'timed_out' },
    },
  });
const registry = createRegistry([waitingFlow(WORKFLOW, 600_000), waitingFlow(SHORT, SHORT_MS)]);

jest.setTimeout(90_000);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let orchestrator: Orchestrator | undefined;

const start = (id: string, workflow: string) => startOrder(id, { id }, workflow);
const go = (id: string) => ({ ...signal(id, 'go'), workflow: WORKFLOW });
const transitionsOf = (id: string) =>
  transitions.values().filter((r): r is Transition => r.correlationId === id && r.kind === 'transition');
const finished = (id: string, status: string) =>
  transitions.waitFor(
    `${id} ${status}`,
    (r) => r.correlationId === id && r.kind === 'transition' && r.status === status,
  );
const partitionOf = (id: string) => transitions.seen.find((e) => e.value.correlationId === id)!.partition;

/** Starts the instances (id → workflow) and waits until the snapshot holds each of them, outlined. */
async function startIdle(instances: Record<string, string>): Promise<void> {
  for (const [id, workflow] of Object.entries(instances))
    await fixture.publisher.publish(start(id, workflow));
  for (const id of Object.keys(instances)) {
    await transitions.waitFor(`${id} started`, (r) => r.correlationId === id && r.kind === 'transition');
    await eventually(`${id} in the snapshot`, async () => {
      const record = await fixture.redis.hget(fixture.store.keys(partitionOf(id)).instances, id);
      return record?.startsWith('[3,') === true;
    });
  }
}

async function restart(metrics = new OrchestratorMetrics()): Promise<OrchestratorMetrics> {
  if (orchestrator) await fixture.stopOrchestrator(orchestrator);
  orchestrator = undefined;
  orchestrator = await fixture.startOrchestrator(registry, { metrics });
  return metrics;
}

async function activeWaiting(metrics: OrchestratorMetrics): Promise<number> {
  const gauge = await metrics.registry.getSingleMetric('statewright_active_instances')?.get();
  const waiting = gauge?.values.find((v) => v.labels.workflow === WORKFLOW && v.labels.state === 'waiting');
  return waiting?.value ?? 0;
}

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-stored');
  transitions = await fixture.tailTransitions();
  orchestrator = await fixture.startOrchestrator(registry);
});

afterAll(async () => {
  await transitions?.stop();
  await fixture?.close();
});

test('restored idle instances are reported from their outlines and go on once, by a command or by their timer', async () => {
  await startIdle({ 'stored-go': WORKFLOW, 'stored-timer': SHORT, 'stored-idle': WORKFLOW });
  const metrics = await restart();
  await eventually('the restored instances reported', async () => (await activeWaiting(metrics)) === 2);

  await fixture.publisher.publish(go('stored-go'));
  await finished('stored-go', 'completed');
  await finished('stored-timer', 'timed_out');
  expect(transitionsOf('stored-go').map((t) => [t.seq, t.to])).toEqual([
    [1, 'waiting'],
    [2, 'done'],
  ]);
  expect(transitionsOf('stored-timer').map((t) => [t.seq, t.to])).toEqual([
    [1, 'waiting'],
    [2, 'expired'],
  ]);
  expect(transitionsOf('stored-idle').map((t) => t.seq)).toEqual([1]);
  await eventually('only the idle one left waiting', async () => (await activeWaiting(metrics)) === 1);
});

/** Stops the orchestrator and damages the instance's stored record past its outline, which still reads. */
async function damage(id: string): Promise<string> {
  await fixture.stopOrchestrator(orchestrator!);
  orchestrator = undefined;
  const key = fixture.store.keys(partitionOf(id)).instances;
  const record = (await fixture.redis.hget(key, id))!;
  await fixture.redis.hset(key, id, `${record.split('\n')[0]}\n[4,"damaged`);
  return key;
}

test('a stored instance whose record is damaged is rebuilt from the changelog when a command needs it', async () => {
  const id = 'stored-damaged';
  await startIdle({ [id]: WORKFLOW });
  const key = await damage(id);

  await restart();
  const signalled = go(id);
  await fixture.publisher.publish(signalled);
  await finished(id, 'completed');
  expect(transitionsOf(id).map((t) => [t.seq, t.to])).toEqual([
    [1, 'waiting'],
    [2, 'done'],
  ]);
  expect(transitions.values().filter((r) => r.commandId === signalled.commandId)).toHaveLength(1);
  const written = await eventually('the snapshot written again', async () => {
    const value = await fixture.redis.hget(key, id);
    return value?.startsWith('[3,"completed"') === true ? value : undefined;
  });
  expect(decodeSnapshotRecord(id, written)).toMatchObject({ status: 'completed', seq: 2 });
});

test('a stored instance whose record is damaged is rebuilt from the changelog when its timer falls due', async () => {
  const id = 'stored-damaged-timer';
  await startIdle({ [id]: SHORT });
  await damage(id);

  await restart();
  await finished(id, 'timed_out');
  expect(transitionsOf(id).map((t) => [t.seq, t.to])).toEqual([
    [1, 'waiting'],
    [2, 'expired'],
  ]);
});
