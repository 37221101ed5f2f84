// An operator holds a task type's circuit open and releases it through `statewright circuit`, which calls the
// gateway's admin endpoint: every partition logs the change and audits it; while held open a new instance's run
// is deferred, once released it is dispatched.
import { z } from 'zod';
import {
  createRegistry,
  setup,
  type CommandId,
  type CorrelationId,
  type HealthRecord,
  type LogRecord,
  type Transition,
} from '../../../services/core';
import type { AuditEntry } from '../../../services/platform/codec/audit-envelope';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import { loadGatewayConfig } from '../../../services/gateway/config/gateway-config';
import { startGateway, type Gateway } from '../../../services/gateway/gateway';
import { createLogger } from '../../../services/platform/logging/logger';
import { eventually } from '../../harness/eventually';
import { endpoints } from '../../harness/namespace';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';
import { buildCli, statewright } from '../cli/cli-process';

jest.setTimeout(120_000);

const payment = setup({
  types: {} as { context: object },
  input: z.object({}),
  events: {},
  tasks: { pay: {} },
}).define({
  name: 'payment',
  version: 1,
  initial: 'paying',
  context: () => ({}),
  states: {
    paying: { invoke: { tasks: [{ task: 'pay' }], onDone: 'paid', onError: 'paid' } },
    paid: { final: 'completed' },
  },
});
const registry = createRegistry([payment]);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let tasks: TopicTail<TaskEnvelope>;
let audit: TopicTail<AuditEntry>;
let gateway: Gateway;
let base = '';

/** The latest `pay` health record of each partition. */
const latestByPartition = () => {
  const latest = new Map<number, HealthRecord>();
  for (const entry of transitions.seen)
    if ((entry.value as { kind: string }).kind === 'health')
      latest.set(entry.partition, entry.value as unknown as HealthRecord);
  return latest;
};
const everyPartition = (test: (record: HealthRecord) => boolean) => {
  const latest = latestByPartition();
  return latest.size === fixture.partitions && [...latest.values()].every(test);
};

beforeAll(async () => {
  await buildCli();
  fixture = await OrchestratorFixture.create('gateway-circuit', 2);
  transitions = await fixture.tailTransitions();
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  audit = await fixture.tailAudit();
  await fixture.startOrchestrator(registry);
  const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
  const config = loadGatewayConfig({
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: fixture.namespace.prefix,
    STATEWRIGHT_REDIS_PREFIX: fixture.namespace.redisPrefix,
    STATEWRIGHT_PROJECTION_GROUP: `${fixture.namespace.groupId}.projection`,
    GATEWAY_PORT: '0',
  });
  await fixture.publishCatalogue(registry);
  gateway = await startGateway(config, { logger: createLogger('silent') });
  base = await gateway.listen();
});

afterAll(async () => {
  await Promise.allSettled([gateway?.close(), transitions?.stop(), tasks?.stop(), audit?.stop()]);
  await fixture?.close();
});

test('statewright circuit --open holds the runs of a task type on every partition; --release lets them go', async () => {
  const opened = await statewright(['circuit', 'pay', '--open', '--default-rule', '--gateway', base]);
  expect(opened.code).toBe(0);
  expect(JSON.parse(opened.stdout)).toMatchObject({ status: 'accepted', taskType: 'pay' });
  await eventually('every partition to hold the circuit open', () =>
    everyPartition((r) => r.entry.circuit?.phase === 'open' && r.entry.circuit.forced === 'open'),
  );
  const audited = await eventually('an audit record per partition', () => {
    const acts = audit.values().filter((a) => a.action === 'circuit');
    return acts.length === fixture.partitions ? acts : undefined;
  });
  expect(audited[0]).toMatchObject({
    actor: expect.any(String),
    target: 'health:pay',
    after: { forced: 'open' },
  });

  await fixture.publisher.publish({
    type: 'start',
    commandId: 'start-held' as CommandId,
    correlationId: 'held' as CorrelationId,
    workflow: 'payment',
    actor: 'test',
    timestamp: Date.now(),
    expectedSeq: null,
    sourceSeq: null,
    input: {},
    version: null,
  });
  const started = (await transitions.waitFor(
    'the start of held',
    (r) => r.kind === 'transition' && r.correlationId === 'held',
  )) as Transition;
  expect(started.tasks.put[0]?.parked?.reason).toBe('circuit of pay is open');

  const released = await statewright(['circuit', 'pay', '--release', '--gateway', base]);
  expect(released.code).toBe(0);
  const task = await tasks.waitFor('the held run to be dispatched', (t) => t.correlationId === 'held');
  expect(task.attempt).toBe(1);
  expect(everyPartition((r) => r.entry.circuit?.phase === 'closed' && r.entry.circuit.forced === null)).toBe(
    true,
  );

  const refused = await statewright(['circuit', 'pay', '--gateway', base]);
  expect(refused.code).not.toBe(0);
});
