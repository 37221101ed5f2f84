// statewright dlq: dead letters listed by reason, workflow and time, one shown in full, and chosen ones sent
// back after a fix (the workflow deployed): applied once however often they are replayed, each replay audited.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createRegistry, setup, type Command, type LogRecord } from '../../../services/core';
import { benchFlow } from '../../../examples/bench-flow/definition';
import type { AuditEntry } from '../../../services/platform/codec/audit-envelope';
import { toCommandEnvelope } from '../../../services/platform/codec/command-envelope';
import type { DeadLetterEnvelope } from '../../../services/platform/codec/dead-letter-envelope';
import { commandPartitioner } from '../../../services/platform/kafka/command-partition';
import { endpoints } from '../../harness/namespace';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';
import { buildCli, statewright } from './cli-process';

jest.setTimeout(120_000);

const LATE = 'late-flow';
const late = setup({
  types: {} as { context: { n: number } },
  input: z.object({ n: z.number() }),
  events: { close: true },
  tasks: {},
}).define({
  name: LATE,
  version: 1,
  initial: 'open',
  context: (input) => input,
  states: { open: { on: { close: { target: 'closed' } } }, closed: { final: 'completed' } },
});

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let dlq: TopicTail<DeadLetterEnvelope>;
let audit: TopicTail<AuditEntry>;

const cli = (args: string[]) => {
  const { kafkaBrokers, schemaRegistryUrl } = endpoints();
  return statewright([
    ...args,
    '--brokers',
    kafkaBrokers,
    '--registry',
    schemaRegistryUrl,
    '--prefix',
    fixture.namespace.prefix,
  ]);
};

const startOf = (id: string): Command => ({
  commandId: `${id}-start` as never,
  correlationId: id as never,
  workflow: LATE,
  actor: 'producer',
  timestamp: Date.now(),
  expectedSeq: null,
  sourceSeq: null,
  type: 'start',
  input: { n: 1 },
  version: null,
});

beforeAll(async () => {
  await buildCli();
  fixture = await OrchestratorFixture.create('cli-dlq', 2);
  transitions = await fixture.tailTransitions();
  dlq = await fixture.tailEnvelopes<DeadLetterEnvelope>(fixture.topics.dlq, 'dead-letter');
  audit = await fixture.tailAudit();
  const first = await fixture.startOrchestrator(createRegistry([benchFlow]));
  const producer = fixture.kafka.producer({ idempotent: true, createPartitioner: commandPartitioner });
  await producer.connect();
  await producer.send({
    topic: fixture.topics.commands,
    messages: [
      { key: 'late-1', value: fixture.codec.encode('command', toCommandEnvelope(startOf('late-1'))) },
      { key: 'noise-1', value: randomBytes(40) },
    ],
  });
  await producer.disconnect();
  await dlq.waitFor('both dead letters', () => dlq.values().length >= 2);
  // The fix: an orchestrator that serves the workflow.
  await fixture.stopOrchestrator(first);
  await fixture.startOrchestrator(createRegistry([benchFlow, late]));
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), dlq?.stop(), audit?.stop()]);
  await fixture?.close();
});

const listed = async (filters: string[]) => {
  const answer = await cli(['dlq', 'list', '--json', ...filters]);
  expect(answer.code).toBe(0);
  return answer.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { at: string; code: string; workflow: string | null; key: string });
};

test('dlq list shows every dead letter and filters by reason, workflow and time', async () => {
  const all = await listed([]);
  expect(all.map((entry) => entry.key).sort()).toEqual(['late-1', 'noise-1']);
  expect(await listed(['--reason', 'undecodable'])).toEqual([expect.objectContaining({ key: 'noise-1' })]);
  expect(await listed(['--workflow', LATE])).toEqual([
    expect.objectContaining({ key: 'late-1', code: 'unknown-workflow', workflow: LATE }),
  ]);
  expect(await listed(['--since', String(Date.now() + 60_000)])).toEqual([]);
  const shown = await cli(['dlq', 'show', all.find((entry) => entry.key === 'late-1')!.at]);
  expect(JSON.parse(shown.stdout)).toMatchObject({ code: 'unknown-workflow', key: 'late-1', workflow: LATE });
});

test('a replay after the fix applies the command once, however often it is replayed, and each is audited', async () => {
  const [entry] = await listed(['--workflow', LATE]);
  for (let i = 0; i < 2; i++) {
    const answer = await cli(['dlq', 'replay', entry!.at, '--actor', 'ops@example.com']);
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({ replayed: [entry!.at] });
  }
  await transitions.waitFor('late-1 started', (r) => r.correlationId === 'late-1' && r.kind === 'transition');
  const replays = await audit.waitFor('two replays audited', () => {
    const found = audit.values().filter((a) => a.action === 'dlq-replay');
    return found.length >= 2;
  });
  expect(replays).toBeDefined();
  expect(audit.values().filter((a) => a.action === 'dlq-replay')).toEqual([
    expect.objectContaining({ actor: 'ops@example.com', target: 'late-1', workflow: LATE }),
    expect.objectContaining({ actor: 'ops@example.com', target: 'late-1', workflow: LATE }),
  ]);
  // The second replay is a duplicate of the first: one start, no second record of it.
  const marker = {
    ...startOf('late-1'),
    commandId: 'late-1-marker' as never,
    type: 'signal',
    event: 'close',
    payload: {},
  };
  await fixture.publisher.publish(marker as unknown as Command);
  await transitions.waitFor('the marker', (r) => r.commandId === 'late-1-marker');
  const records = transitions.values().filter((r) => r.correlationId === 'late-1');
  expect(records.filter((r) => r.commandId === 'late-1-start')).toHaveLength(1);
  expect(dlq.values().filter((letter) => letter.key?.toString() === 'late-1')).toHaveLength(1);
});

test('replaying a position that holds no dead letter is a usage error', async () => {
  const answer = await cli(['dlq', 'replay', '9/999999']);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toMatch(/no dead letter at 9\/999999/);
});
