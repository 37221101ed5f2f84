// The canary rollback as the orchestrator process runs it, configured from its environment: order-saga version 2
// is the canary, its payment always fails, and after STATEWRIGHT_CANARY_MIN_FINISHED finished canary instances
// the process itself sends new instances back to version 1, audited with actor system:canary.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  commandId,
  correlationId,
  settingsKey,
  type Command,
  type LogRecord,
  type Transition,
} from '../../../services/core';
import type { AuditEntry } from '../../../services/platform/codec/audit-envelope';
import type { TaskEnvelope } from '../../../services/platform/codec/task-envelope';
import { canaryRule, declineCanaryPayments, idsOn } from '../../harness/canary';
import { eventually } from '../../harness/eventually';
import { fleetEnvironment } from '../../harness/example-fleet';
import { repoRoot } from '../../harness/infrastructure';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { startOrder } from '../../harness/order-commands';
import { ProcessFleet, type ServiceProcess } from '../../harness/process-fleet';
import type { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(180_000);

const WORKFLOW = 'order-saga';
const definitions = path.join(repoRoot, 'dist', 'examples', 'order-saga', 'definition.js');
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-canary-'));

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let audit: TopicTail<AuditEntry>;
let tasks: TopicTail<TaskEnvelope>;
let fleet: ProcessFleet;
let logDir: string;
let orchestrator: ServiceProcess;

async function runToEnd(ids: readonly string[]): Promise<Transition[]> {
  for (const id of ids) await fixture.publisher.publish(startOrder(id));
  return Promise.all(
    ids.map(
      (id) =>
        transitions.waitFor(
          `${id} to finish`,
          (r) => r.correlationId === id && r.kind === 'transition' && r.status !== 'running',
          90_000,
        ) as Promise<Transition>,
    ),
  );
}

const setCanary: () => Command = () =>
  ({
    commandId: commandId(`settings-${randomUUID()}`),
    correlationId: correlationId(settingsKey(WORKFLOW)),
    workflow: WORKFLOW,
    actor: 'release-manager',
    timestamp: Date.now(),
    expectedSeq: null,
    sourceSeq: null,
    type: 'workflow-settings',
    rollout: canaryRule,
  }) as Command;

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('canary-process');
  transitions = await fixture.tailTransitions();
  audit = await fixture.tailAudit();
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  tasks.onMessage(({ value }) => fixture.publisher.publish(declineCanaryPayments(value)));
  const module = path.join(workdir, 'order-saga-1-and-2.js');
  writeFileSync(
    module,
    `const { orderSaga } = require(${JSON.stringify(definitions)});\n` +
      'exports.workflows = [orderSaga(), { ...orderSaga(), version: 2 }];\n',
  );
  logDir = path.join(repoRoot, 'test-results', 'integration', fixture.namespace.prefix);
  fleet = new ProcessFleet(
    logDir,
    fleetEnvironment(fixture.namespace, {
      STATEWRIGHT_WORKFLOWS: module,
      STATEWRIGHT_CANARY_MIN_FINISHED: '3',
      STATEWRIGHT_CANARY_MARGIN: '0.5',
      STATEWRIGHT_CANARY_INTERVAL_MS: '200',
    }),
  );
  orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js');
  await fleet.waitForLine(orchestrator, /orchestrator ready/, 120_000);
});

afterAll(async () => {
  await fleet?.stopAll();
  await Promise.allSettled([transitions?.stop(), audit?.stop(), tasks?.stop()]);
  await fixture?.close();
  rmSync(workdir, { recursive: true, force: true });
});

test('the orchestrator process reverts a failing canary by itself and logs why', async () => {
  await fixture.publisher.publish(setCanary());
  await eventually('the canary rule audited', () =>
    audit.values().some((a) => a.actor === 'release-manager' && a.target === settingsKey(WORKFLOW)),
  );
  const canary = await runToEnd(idsOn(2, 3, 'process-canary'));
  expect(canary.map((t) => [t.version, t.status])).toEqual([
    [2, 'compensated'],
    [2, 'compensated'],
    [2, 'compensated'],
  ]);
  const revert = await eventually('the revert audited', () =>
    audit.values().find((a) => a.actor === 'system:canary'),
  );
  expect(revert).toMatchObject({
    action: 'settings',
    target: settingsKey(WORKFLOW),
    after: { rollout: { kind: 'pinned', version: 1 }, revision: 2 },
  });
  expect((revert.after as { reason: string }).reason).toContain(
    'canary version 2 failed 3 of 3 finished instances (100%)',
  );
  const after = await runToEnd(idsOn(2, 1, 'process-after'));
  expect(after.map((t) => t.version)).toEqual([1]);
  expect(await fleet.stop(orchestrator)).toBe(0);
  expect(readFileSync(path.join(logDir, 'orchestrator-1.log'), 'utf8')).toContain('"msg":"canary reverted"');
});
