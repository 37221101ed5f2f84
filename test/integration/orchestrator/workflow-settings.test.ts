// Run-time workflow settings against the real stack: a settings command pins the version new instances start on
// and their dedupe window, is recorded on the settings topic and audited in the same transaction; an invalid one
// is a dead letter with no audit record; a reset returns to the deployed rule.
import { randomUUID } from 'node:crypto';
import {
  commandId,
  correlationId,
  createRegistry,
  settingsKey,
  type Command,
  type LogRecord,
  type Transition,
} from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import type { AuditEntry } from '../../../services/platform/codec/audit-envelope';
import type { DeadLetterEnvelope } from '../../../services/platform/codec/dead-letter-envelope';
import { SettingsView } from '../../../services/platform/settings/settings-view';
import { eventually } from '../../harness/eventually';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { startOrder } from '../../harness/order-commands';
import { TopicTail } from '../../harness/topic-tail';

const deployed = createRegistry([orderSaga(), { ...orderSaga(), version: 2 }]);

jest.setTimeout(120_000);

let fixture: OrchestratorFixture;
let settings: SettingsView;
let transitions: TopicTail<LogRecord>;
let audit: TopicTail<AuditEntry>;
let dlq: TopicTail<DeadLetterEnvelope>;

const change = (fields: Record<string, unknown>): Command =>
  ({
    commandId: commandId(`settings-${randomUUID()}`),
    correlationId: correlationId(settingsKey('order-saga')),
    workflow: 'order-saga',
    actor: 'release-manager',
    timestamp: Date.now(),
    expectedSeq: null,
    sourceSeq: null,
    type: 'workflow-settings',
    ...fields,
  }) as Command;

async function started(id: string): Promise<Transition> {
  await fixture.publisher.publish(startOrder(id));
  return (await transitions.waitFor(`${id} started`, (r) => r.correlationId === id)) as Transition;
}

const settingsAudit = () => audit.values().filter((a) => a.target === settingsKey('order-saga'));

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-settings');
  transitions = await fixture.tailTransitions();
  audit = await fixture.tailAudit();
  dlq = await fixture.tailEnvelopes<DeadLetterEnvelope>(fixture.topics.dlq, 'dead-letter');
  settings = await SettingsView.start(
    fixture.log,
    fixture.topics.settings,
    fixture.namespace.groupId,
    fixture.logger,
  );
  await fixture.startOrchestrator(settings.registry(deployed), { settings });
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), audit?.stop(), dlq?.stop(), settings?.stop()]);
  await fixture?.close();
});

test('pinning a version and setting a dedupe window apply to new instances, each audited once', async () => {
  expect((await started('set-before')).version).toBe(2);
  await fixture.publisher.publish(change({ rollout: { kind: 'pinned', version: 1 } }));
  await eventually('the pin audited', () => (settingsAudit().length >= 1 ? true : undefined));
  expect((await started('set-pinned')).version).toBe(1);

  await fixture.publisher.publish(change({ dedupe: { count: 7, ageMs: 1_000 } }));
  await eventually('the window audited', () => (settingsAudit().length >= 2 ? true : undefined));
  const windowed = await started('set-windowed');
  expect(windowed).toMatchObject({ version: 1, window: { count: 7, ageMs: 1_000 } });

  expect(settingsAudit()).toEqual([
    expect.objectContaining({
      action: 'settings',
      actor: 'release-manager',
      before: { rollout: null, dedupe: null, revision: 0 },
      after: { rollout: { kind: 'pinned', version: 1 }, dedupe: null, revision: 1 },
    }),
    expect.objectContaining({
      before: expect.objectContaining({ revision: 1 }),
      after: { rollout: { kind: 'pinned', version: 1 }, dedupe: { count: 7, ageMs: 1_000 }, revision: 2 },
    }),
  ]);
  expect(settings.current('order-saga')).toMatchObject({ revision: 2 });
});

test('an unknown version is a dead letter without an audit record; a reset returns to the latest version', async () => {
  const bad = change({ rollout: { kind: 'pinned', version: 9 } });
  await fixture.publisher.publish(bad);
  const letter = await dlq.waitFor('the refused pin', (l) => l.reason.includes('unknown version 9'));
  expect(letter.code).toBe('invalid-command');
  await fixture.publisher.publish(change({ rollout: null }));
  await eventually('the reset audited', () => (settingsAudit().length >= 3 ? true : undefined));
  expect(settingsAudit().map((a) => a.auditId)).not.toContain(bad.commandId);
  expect((await started('set-reset')).version).toBe(2);
});
