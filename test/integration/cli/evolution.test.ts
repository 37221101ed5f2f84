// The evolution commands of the compiled statewright command against a real orchestrator's topics: check on the
// examples and on a broken module, shadow replay of the recorded traffic with an unchanged and a changed
// candidate (from the topics and from a recorded file), and a migration dry run that names failing instances.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { parseCommand, type Command } from '../../../services/core';
import { EnvelopeCodec } from '../../../services/platform/codec/envelope-codec';
import { kafkajsLogClient } from '../../../services/platform/kafka/kafka-client';
import { CommandLog } from '../../../services/platform/kafka/command-log';
import { topicNames } from '../../../services/platform/kafka/topic-names';
import { eventually } from '../../harness/eventually';
import { exampleOrder, fleetEnvironment, removeNamespaces } from '../../harness/example-fleet';
import { EXAMPLE_MODULES } from '../../harness/examples';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints, testNamespace } from '../../harness/namespace';
import { ProcessFleet } from '../../harness/process-fleet';
import { readTopicToEnd } from '../../harness/topic-reader';
import { buildCli, statewright } from './cli-process';

const { kafkaBrokers, schemaRegistryUrl } = endpoints();
const ns = testNamespace('evolution');
const topics = topicNames(ns.prefix);
const kafka = new Kafka({ brokers: [kafkaBrokers], clientId: ns.prefix, logLevel: logLevel.NOTHING });
const dist = (file: string) => JSON.stringify(path.join(repoRoot, 'dist', file));
let directory: string;
let fleet: ProcessFleet;

/** The current order saga with validating's address-changed upper-casing the address: one changed transition. */
const changedCandidate = `
const { orderSaga } = require(${dist('examples/order-saga/definition.js')});
const current = orderSaga();
const node = current.states.get('validating');
const on = new Map(node.on);
on.set('address-changed', { ...on.get('address-changed'), update: (ctx, p) => ({ ...ctx, address: p.address.toUpperCase() }) });
exports.workflows = [{ ...current, version: 2, states: new Map(current.states).set('validating', { ...node, on }) }];
`;

/** Version 1 and a version 2 whose migration throws for re-addressed orders. */
const failingMigration = `
const { orderSaga } = require(${dist('examples/order-saga/definition.js')});
const migrate = ({ state, context }) => {
  if (context.address === 'Side Street 2') throw new Error('cannot migrate a re-addressed order');
  return { state, context };
};
exports.workflows = [orderSaga(), { ...orderSaga({ version: 2 }), migrations: new Map([[1, migrate]]) }];
`;

const broken = `
const { z } = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'zod'))});
const { setup } = require(${dist('services/core/index.js')});
const flow = setup({ types: {}, input: z.object({}), events: { go: true }, tasks: {} }).define({
  name: 'broken', version: 1, initial: 'waiting', context: () => ({}),
  states: { waiting: { on: { go: {} } }, done: { final: 'completed' } },
});
exports.workflows = [flow];
`;

async function send(log: CommandLog, raw: Record<string, unknown>): Promise<void> {
  const parsed = parseCommand({ workflow: 'order-saga', actor: 'test', timestamp: Date.now(), ...raw });
  if (!parsed.ok) throw new Error(parsed.message);
  await log.publish(parsed.command as Command);
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'statewright-evolution-'));
  await writeFile(path.join(directory, 'changed.js'), changedCandidate);
  await writeFile(path.join(directory, 'migration.js'), failingMigration);
  await writeFile(path.join(directory, 'broken.js'), broken);
  await buildCli();
  // The orchestrator alone: without workers every order waits in validating, where a migration applies.
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'evolution', ns.prefix), fleetEnvironment(ns));
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js');
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  const codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
  const log = await CommandLog.connect(kafkajsLogClient(kafka), codec, topics.commands);
  try {
    for (const id of ['evo-1', 'evo-2', 'evo-3'])
      await send(log, {
        commandId: `${id}-start`,
        correlationId: id,
        type: 'start',
        input: exampleOrder(id),
      });
    const payload = { address: 'Side Street 2' };
    await send(log, {
      commandId: 'evo-2-move',
      correlationId: 'evo-2',
      type: 'signal',
      event: 'address-changed',
      payload,
    });
  } finally {
    await log.close();
  }
  await eventually(
    'four transitions',
    async () => [...(await readTopicToEnd(kafka, topics.transitions)).values()].flat().length >= 4,
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}, 240_000);

afterAll(async () => {
  await fleet?.stopAll();
  await removeNamespaces([ns]);
  await rm(directory, { recursive: true, force: true });
});

const kafkaArgs = () => ['--brokers', kafkaBrokers, '--registry', schemaRegistryUrl, '--prefix', ns.prefix];

test('check passes the examples and fails a module with a dead end, naming the state', async () => {
  const clean = await statewright(['check', '--workflows', EXAMPLE_MODULES.STATEWRIGHT_WORKFLOWS!]);
  expect(clean).toMatchObject({ code: 0 });
  expect(clean.stdout).toContain('order-saga@1: clean');
  const failed = await statewright(['check', path.join(directory, 'broken.js')]);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/error +dead-end +broken@1 state waiting/);
  expect(failed.stdout).toMatch(/error +unreachable-state +broken@1 state done/);
});

test('shadow replay of the topics: an unchanged candidate agrees, a changed one names the re-addressed order', async () => {
  const same = await statewright([
    'shadow',
    '--candidate',
    EXAMPLE_MODULES.STATEWRIGHT_WORKFLOWS!,
    ...kafkaArgs(),
  ]);
  expect(same.stdout).toContain('checked 3 instance(s), 4 command(s); 0 divergent');
  expect(same.code).toBe(0);
  const changed = await statewright([
    'shadow',
    '--candidate',
    path.join(directory, 'changed.js'),
    ...kafkaArgs(),
  ]);
  expect(changed.code).toBe(1);
  expect(changed.stdout).toContain('1 divergent (threshold 0)');
  expect(changed.stdout).toMatch(
    /DIVERGES evo-2 \(order-saga@1\) context: at seq 1 in validating, on signal address-changed/,
  );
  expect(changed.stdout).toContain('context differs at: address');
  const allowed = await statewright([
    'shadow',
    '--candidate',
    path.join(directory, 'changed.js'),
    '--threshold',
    '1',
    '--json',
    ...kafkaArgs(),
  ]);
  expect(allowed.code).toBe(0);
  expect(JSON.parse(allowed.stdout)).toMatchObject({ instancesChecked: 3, byKind: { context: 1 } });
});

test('shadow --record writes the history that --file replays with the same verdict', async () => {
  const file = path.join(directory, 'history.jsonl');
  const recorded = await statewright(['shadow', '--record', file, ...kafkaArgs()]);
  expect(recorded).toMatchObject({ code: 0, stderr: expect.stringContaining('recorded 4 command(s)') });
  const replayed = await statewright([
    'shadow',
    '--candidate',
    path.join(directory, 'changed.js'),
    '--file',
    file,
  ]);
  expect(replayed.code).toBe(1);
  expect(replayed.stdout).toMatch(/DIVERGES evo-2 .* context/);
});

test('migrate-dry-run names the orders a failing migration would refuse and changes nothing', async () => {
  const before = [...(await readTopicToEnd(kafka, topics.transitions)).values()].flat().length;
  const run = await statewright([
    'migrate-dry-run',
    'order-saga',
    '--to',
    '2',
    '--workflows',
    path.join(directory, 'migration.js'),
    ...kafkaArgs(),
  ]);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(
    'FAILS evo-2 (v1, validating): definition-error: cannot migrate a re-addressed order',
  );
  expect(run.stdout).toContain(
    'tried 3 running instance(s), 2 would migrate, 1 would fail; nothing was changed',
  );
  // The same through `migrate --dry-run`, whose argument is then the workflow.
  const flagged = await statewright([
    'migrate',
    'order-saga',
    '--dry-run',
    '--to',
    '2',
    '--workflows',
    path.join(directory, 'migration.js'),
    ...kafkaArgs(),
  ]);
  expect(flagged.code).toBe(1);
  expect(flagged.stdout).toBe(run.stdout);
  const after = [...(await readTopicToEnd(kafka, topics.transitions)).values()].flat().length;
  expect(after).toBe(before);
});
