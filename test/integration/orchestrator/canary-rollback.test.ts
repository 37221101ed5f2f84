// Automatic canary rollback against the real stack: order-saga version 2 is the canary and its payment step always
// fails. Once enough canary instances finished, the canary watch sends new instances back to version 1 by a
// settings command the orchestrator records and audits with actor system:canary. The evidence is read from the
// transitions log (a watch started later still counts instances that finished before it), and two watches that
// see the same evidence change the settings once.
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
import { CanaryWatch, type CanaryWatchOptions } from '../../../services/orchestrator/canary/canary-watch';
import type { AuditEntry } from '../../../services/platform/codec/audit-envelope';
import type { CommandEnvelope } from '../../../services/platform/codec/command-envelope';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import type { SettingsRecord } from '../../../services/platform/codec/settings-record';
import { SettingsView } from '../../../services/platform/settings/settings-view';
import { canaryRule, declineCanaryPayments, idsOn } from '../../harness/canary';
import { eventually } from '../../harness/eventually';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { startOrder } from '../../harness/order-commands';
import type { TopicTail } from '../../harness/topic-tail';

const WORKFLOW = 'order-saga';
const deployed = createRegistry([orderSaga(), { ...orderSaga(), version: 2 }]);
const policy = { windowMs: 10 * 60_000, minFinished: 4, margin: 0.2 };

jest.setTimeout(180_000);

let fixture: OrchestratorFixture;
let settings: SettingsView;
let transitions: TopicTail<LogRecord>;
let audit: TopicTail<AuditEntry>;
let commands: TopicTail<CommandEnvelope>;
let tasks: TopicTail<TaskEnvelope>;
const watches = new Set<CanaryWatch>();

const finalOf = (id: string) =>
  transitions.waitFor(
    `${id} to finish`,
    (r) => r.correlationId === id && r.kind === 'transition' && r.status !== 'running',
    90_000,
  ) as Promise<Transition>;

async function runToEnd(ids: readonly string[]): Promise<Transition[]> {
  for (const id of ids) await fixture.publisher.publish(startOrder(id));
  return Promise.all(ids.map(finalOf));
}

const canaryAudit = () =>
  audit.values().filter((a) => a.target === settingsKey(WORKFLOW) && a.actor === 'system:canary');

async function startWatch(overrides: Partial<CanaryWatchOptions> = {}): Promise<CanaryWatch> {
  const watch = CanaryWatch.start({
    log: fixture.log,
    admin: fixture.admin,
    codec: fixture.codec,
    transitionsTopic: fixture.topics.transitions,
    groupPrefix: fixture.namespace.groupId,
    settings,
    workflows: () => deployed.names(),
    publisher: fixture.publisher,
    policy,
    intervalMs: 100,
    logger: fixture.logger,
    ...overrides,
  });
  watches.add(watch);
  return watch;
}

async function stopWatch(watch: CanaryWatch): Promise<void> {
  watches.delete(watch);
  await watch.stop();
}

const settingsCommand = (fields: Record<string, unknown>): Command =>
  ({
    commandId: commandId(`settings-${randomUUID()}`),
    correlationId: correlationId(settingsKey(WORKFLOW)),
    workflow: WORKFLOW,
    actor: 'release-manager',
    timestamp: Date.now(),
    expectedSeq: null,
    sourceSeq: null,
    type: 'workflow-settings',
    ...fields,
  }) as Command;

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('orchestrator-canary');
  transitions = await fixture.tailTransitions();
  audit = await fixture.tailAudit();
  commands = await fixture.tailEnvelopes<CommandEnvelope>(fixture.topics.commands, 'command');
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  tasks.onMessage(({ value }) => fixture.publisher.publish(declineCanaryPayments(value)));
  settings = await SettingsView.start(
    fixture.log,
    fixture.topics.settings,
    fixture.namespace.groupId,
    fixture.logger,
  );
  await fixture.startOrchestrator(settings.registry(deployed), { settings });
});

afterAll(async () => {
  await Promise.allSettled([...watches].map((watch) => watch.stop()));
  await Promise.allSettled([
    transitions?.stop(),
    audit?.stop(),
    commands?.stop(),
    tasks?.stop(),
    settings?.stop(),
  ]);
  await fixture?.close();
});

test('a canary whose payment always fails is rolled back by itself, once, and new instances start on the stable version', async () => {
  // A watch reads the evidence only while a canary rule is in force.
  const idle = await startWatch({ intervalMs: 3_600_000 });
  await idle.tick(Date.now());
  expect(idle.reading).toBe(false);

  await fixture.publisher.publish(settingsCommand({ rollout: canaryRule }));
  await eventually('the canary rule in force', () => settings.current(WORKFLOW).rollout?.kind === 'canary');
  const ruleRecord = settings.record(WORKFLOW) as SettingsRecord;
  await idle.tick(Date.now());
  expect(idle.reading).toBe(true);

  // Half the evidence while a first watch runs: fewer canary instances than the minimum, so no revert.
  const first = await startWatch();
  const early = await runToEnd([...idsOn(2, 2, 'early-canary'), ...idsOn(1, 2, 'early-stable')]);
  expect(early.map((t) => [t.version, t.status])).toEqual([
    [2, 'compensated'],
    [2, 'compensated'],
    [1, 'completed'],
    [1, 'completed'],
  ]);
  expect(await first.tick(Date.now())).toEqual([]);
  await stopWatch(first);

  // A restarted watch, and a second one that still sees the canary rule as it was (an orchestrator lagging
  // behind the settings topic) and is ticked by hand: both judge the same evidence.
  await startWatch();
  const lagging = await startWatch({ settings: { record: () => ruleRecord }, intervalMs: 3_600_000 });
  await runToEnd([...idsOn(2, 2, 'late-canary'), ...idsOn(1, 2, 'late-stable')]);

  const [revert] = await eventually('the canary revert audited', () =>
    canaryAudit().length > 0 ? canaryAudit() : undefined,
  );
  expect(revert).toMatchObject({
    action: 'settings',
    actor: 'system:canary',
    auditId: `canary-revert:${WORKFLOW}:${ruleRecord.revision}`,
    before: { rollout: canaryRule, revision: ruleRecord.revision },
    after: { rollout: { kind: 'pinned', version: 1 }, revision: ruleRecord.revision + 1 },
  });
  // The reason counts the canary instances the first watch saw too: they were read back from the log.
  const reason = (revert?.after as { reason: string }).reason;
  expect(reason).toContain('canary version 2 failed 4 of 4 finished instances (100%)');
  expect(reason).toMatch(/stable version 1 0 of [2-4] \(0%\)/);
  expect(settings.current(WORKFLOW).rollout).toEqual({ kind: 'pinned', version: 1 });
  // With no canary rule left, the evidence is let go.
  await idle.tick(Date.now());
  expect(idle.reading).toBe(false);

  // The lagging watch writes the same revert again; the partition takes it for a duplicate.
  await eventually('the lagging watch to revert too', async () =>
    (await lagging.tick(Date.now())).includes(WORKFLOW),
  );
  const copies = () => commands.values().filter((c) => c.commandId === revert?.auditId);
  await eventually('both reverts in the commands topic', () => copies().length >= 2);
  // A later change on the same key is decided after both copies: once it is audited, both were decided.
  const marker = settingsCommand({ dedupe: { count: 50, ageMs: 60_000 } });
  await fixture.publisher.publish(marker);
  await eventually('the later change audited', () =>
    audit.values().some((a) => a.auditId === marker.commandId),
  );
  expect(canaryAudit()).toHaveLength(1);

  // New instances the canary rule would have sent to version 2 start on version 1.
  const after = await runToEnd(idsOn(2, 2, 'after-revert'));
  expect(after.map((t) => [t.version, t.status])).toEqual([
    [1, 'completed'],
    [1, 'completed'],
  ]);
});
