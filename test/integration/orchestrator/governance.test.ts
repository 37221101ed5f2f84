// Operator acts against the real stack: cancel, erase and purge each leave exactly one audit record, committed
// with its effect; purge survives a restart; retention purges finished instances on its own, audited too.
import { createRegistry, ERASED, type LogRecord, type Transition } from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import type { AuditEntry } from '../../../services/platform/codec/audit-envelope';
import type { Orchestrator } from '../../../services/orchestrator/orchestrator';
import { RETENTION_ACTOR } from '../../../services/orchestrator/retention/hot-retention';
import { eventually } from '../../harness/eventually';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import { adminAct, cancel, failedRetryably, startOrder } from '../../harness/order-commands';
import { TopicTail } from '../../harness/topic-tail';

const registry = createRegistry([orderSaga()]);

jest.setTimeout(60_000);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let audit: TopicTail<AuditEntry>;
let tasks: TopicTail<TaskEnvelope>;
let orchestrator: Orchestrator | undefined;

const recordsOf = (id: string) => transitions.values().filter((r) => r.correlationId === id);
const auditOf = (id: string) => audit.values().filter((a) => a.target === id);

async function restart(overrides: Parameters<OrchestratorFixture['startOrchestrator']>[1] = {}) {
  if (orchestrator) await fixture.stopOrchestrator(orchestrator);
  orchestrator = undefined;
  orchestrator = await fixture.startOrchestrator(registry, overrides);
}

async function cancelled(id: string): Promise<void> {
  await fixture.publisher.publish(startOrder(id));
  await fixture.publisher.publish(cancel(id, 'support@example.com'));
  await transitions.waitFor(
    `${id} cancelled`,
    (r) => r.correlationId === id && r.kind === 'transition' && r.status === 'cancelled',
  );
}

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-governance');
  transitions = await fixture.tailTransitions();
  audit = await fixture.tailAudit();
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  await restart();
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), audit?.stop(), tasks?.stop()]);
  await fixture?.close();
});

test('cancel, erase and purge each leave one audit record with actor and before → after, beside their effect', async () => {
  const id = 'gov-1';
  await cancelled(id);
  await fixture.publisher.publish(adminAct(id, 'erase'));
  const erased = (await transitions.waitFor(
    'the erase transition',
    (r) => r.correlationId === id && r.kind === 'transition' && r.event === 'erase',
  )) as Transition;
  expect(erased.context).toMatchObject({
    customer: { email: ERASED, id: 'c-1' },
    payment: { cardNumber: ERASED },
  });
  await fixture.publisher.publish(adminAct(id, 'purge'));
  await transitions.waitFor('the purge record', (r) => r.correlationId === id && r.kind === 'purged');
  await eventually('three audit records', () => (auditOf(id).length >= 3 ? true : undefined));

  const entries = auditOf(id);
  expect(entries.map((a) => [a.action, a.actor])).toEqual([
    ['cancel', 'support@example.com'],
    ['erase', 'ops@example.com'],
    ['purge', 'ops@example.com'],
  ]);
  expect(entries[0]).toMatchObject({
    workflow: 'order-saga',
    before: { state: 'validating', status: 'running', seq: 1 },
    after: { status: 'cancelled', reason: 'asked by the customer' },
  });
  expect(entries[1]?.after).toMatchObject({ erased: ['customer.email', 'payment.cardNumber'] });
  expect(entries[2]).toMatchObject({ before: { status: 'cancelled' }, after: null });
  for (const entry of entries) {
    expect(recordsOf(id).filter((r) => r.commandId === entry.auditId && r.kind !== 'rejection')).toHaveLength(
      1,
    );
    expect(entry.commandTopic).toBe(fixture.topics.commands);
  }
});

test("an operator's retry runs a task waiting out its backoff now, audited with the attempt before and after", async () => {
  const id = 'gov-retry';
  await fixture.publisher.publish(startOrder(id));
  const first = await tasks.waitFor('the first validation', (t) => t.correlationId === id);
  await fixture.publisher.publish(failedRetryably(first));
  await transitions.waitFor(
    'the failed attempt',
    (r) => r.correlationId === id && r.kind === 'transition' && r.event === 'task-result',
  );
  await fixture.publisher.publish(adminAct(id, 'retry'));
  const second = await tasks.waitFor('the second attempt', (t) => t.correlationId === id && t.attempt === 2);
  expect(second.type).toBe('validate-order');
  const retried = await eventually('the retry audit record', () =>
    auditOf(id).find((a) => a.action === 'retry'),
  );
  expect(retried).toMatchObject({ actor: 'ops@example.com', before: { seq: 2 }, after: { seq: 3 } });
  expect(recordsOf(id).find((r) => r.commandId === retried.auditId)).toMatchObject({ event: 'retry' });
});

test('a refused act leaves no audit record, and a purged instance stays purged after a restore', async () => {
  const id = 'gov-2';
  await fixture.publisher.publish(startOrder(id));
  const refused = adminAct(id, 'purge');
  await fixture.publisher.publish(refused);
  await transitions.waitFor(
    'the refused purge',
    (r) => r.commandId === refused.commandId && r.kind === 'rejection',
  );
  await fixture.publisher.publish(cancel(id));
  await transitions.waitFor(
    'cancelled',
    (r) => r.correlationId === id && r.kind === 'transition' && r.status === 'cancelled',
  );
  await fixture.publisher.publish(adminAct(id, 'purge'));
  await transitions.waitFor('purged', (r) => r.correlationId === id && r.kind === 'purged');
  expect(auditOf(id).map((a) => a.action)).toEqual(['cancel', 'purge']);

  await restart();
  const partition = transitions.seen.find((e) => e.value.correlationId === id)!.partition;
  const snapshot = await eventually('a snapshot without the purged instance', async () => {
    const loaded = await fixture.store.load(partition);
    return loaded.instances.has('gov-2') ? undefined : loaded;
  });
  expect(snapshot.instances.has(id)).toBe(false);
});

test('retention purges finished instances of a workflow on its own, as an audited system act', async () => {
  await restart({ retention: { byWorkflow: { 'order-saga': 300 }, fallbackMs: null } });
  const id = 'gov-3';
  await cancelled(id);
  await transitions.waitFor('purged by retention', (r) => r.correlationId === id && r.kind === 'purged');
  const entry = await eventually('the retention audit record', () =>
    auditOf(id).find((a) => a.action === 'purge'),
  );
  expect(entry.actor).toBe(RETENTION_ACTOR);
  expect(recordsOf(id).filter((r) => r.kind === 'purged')).toHaveLength(1);
});
