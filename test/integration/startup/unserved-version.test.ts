// An orchestrator process whose workflows module drops a version that still has live instances refuses to start:
// exit code 2 (as for a changed published definition), a message naming the version and its live instances,
// nothing published. Deployed with that version again, it starts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry, type LogRecord } from '../../../services/core';
import { orderSaga } from '../../../examples/order-saga/definition';
import { fleetEnvironment } from '../../harness/example-fleet';
import { repoRoot } from '../../harness/infrastructure';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import { startOrder } from '../../harness/order-commands';
import { ProcessFleet } from '../../harness/process-fleet';
import type { TopicTail } from '../../harness/topic-tail';

jest.setTimeout(180_000);

const definitions = path.join(repoRoot, 'dist', 'examples', 'order-saga', 'definition.js');
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-unserved-'));
let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let fleet: ProcessFleet;
let logDir: string;

/** A workflows module serving these versions of the order saga. */
function moduleOf(name: string, versions: readonly number[]): string {
  const file = path.join(workdir, `${name}.js`);
  writeFileSync(
    file,
    `const { orderSaga } = require(${JSON.stringify(definitions)});\n` +
      `exports.workflows = ${JSON.stringify(versions)}.map((version) => ({ ...orderSaga(), version }));\n`,
  );
  return file;
}

const definitionsWritten = async () =>
  (await fixture.admin.fetchTopicOffsets(fixture.topics.definitions)).reduce(
    (sum, partition) => sum + Number(partition.high),
    0,
  );

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('unserved-version');
  transitions = await fixture.tailTransitions();
  logDir = path.join(repoRoot, 'test-results', 'integration', fixture.namespace.prefix);
  fleet = new ProcessFleet(logDir, fleetEnvironment(fixture.namespace));
  // Two instances on version 1 and one on version 2, left running (no worker answers their tasks). Both versions
  // are published to the catalogue first, as an orchestrator process's start does.
  const both = createRegistry([orderSaga(), { ...orderSaga(), version: 2 }]);
  await fixture.publishCatalogue(both);
  const orchestrator = await fixture.startOrchestrator(both);
  const starts = [
    { ...startOrder('unserved-a'), version: 1 },
    { ...startOrder('unserved-b'), version: 1 },
    { ...startOrder('unserved-c'), version: 2 },
  ];
  await fixture.publisher.publishAll(starts);
  for (const start of starts) {
    await transitions.waitFor(
      `${start.correlationId} started`,
      (r) => r.correlationId === start.correlationId,
    );
  }
  await fixture.stopOrchestrator(orchestrator);
});

afterAll(async () => {
  await fleet?.stopAll();
  await transitions?.stop();
  await fixture?.close();
  rmSync(workdir, { recursive: true, force: true });
});

test('dropping a version with live instances stops the orchestrator with code 2, publishing nothing', async () => {
  const published = await definitionsWritten();
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js', {
    STATEWRIGHT_WORKFLOWS: moduleOf('version-2-only', [2]),
  });
  expect(await orchestrator.exited).toBe(2);
  const output = readFileSync(path.join(logDir, 'orchestrator-1.log'), 'utf8');
  expect(output).toContain('order-saga@1 has 2 live instances');
  expect(output).not.toContain('order-saga@2 has');
  expect(await definitionsWritten()).toBe(published);
});

test('with every live version deployed the orchestrator starts', async () => {
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js', {
    STATEWRIGHT_WORKFLOWS: moduleOf('versions-1-and-2', [1, 2]),
  });
  await fleet.waitForLine(orchestrator, /orchestrator ready/, 120_000);
  expect(await fleet.stop(orchestrator)).toBe(0);
});
