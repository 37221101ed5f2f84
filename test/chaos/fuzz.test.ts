// Bad input at scale: random bytes, truncated Avro, unknown schema ids, invalid UTF-8, huge and deep JSON, wrong
// types, missing fields, unknown workflows and versions, mixed with valid workflows. Every bad record lands in
// the DLQ exactly once with a reason; every valid workflow completes; no partition stalls.
// Reduced size in `make test`; `npm run test:fuzz` runs 100,000 bad records.
import { randomBytes } from 'node:crypto';
import { createRegistry, type Command, type JsonValue } from '../../services/core';
import { benchFlow, BENCH_FLOW } from '../../examples/bench-flow/definition';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';
import type { DeadLetterEnvelope } from '../../services/platform/codec/dead-letter-envelope';
import { commandPartitioner } from '../../services/platform/kafka/command-partition';
import type { LogRecord } from '../../services/core';
import type { TaskEnvelope } from '../../services/platform/codec/task-envelope';
import { eventually } from '../harness/eventually';
import { OrchestratorFixture } from '../harness/orchestrator-fixture';
import { succeeded } from '../harness/order-commands';
import type { TopicTail } from '../harness/topic-tail';
import { prng } from './order-traffic';

const full = process.env.FUZZ_SCALE === 'full';
const BAD = full ? 100_000 : 2_000;
const VALID = full ? 2_000 : 100;
const FUZZ_ID = 'fuzz-id';

jest.setTimeout(full ? 1_800_000 : 300_000);

let fixture: OrchestratorFixture;
let transitions: TopicTail<LogRecord>;
let tasks: TopicTail<TaskEnvelope>;
let dlq: TopicTail<DeadLetterEnvelope>;

const base = (id: string, n: number) => ({
  commandId: `fuzz-${n}`,
  correlationId: id,
  workflow: BENCH_FLOW,
  actor: 'fuzzer',
  timestamp: Date.now(),
  expectedSeq: null,
  sourceSeq: null,
});

const start = (id: string, n: number, input: JsonValue, extra: object = {}) =>
  ({ ...base(id, n), type: 'start', input, version: null, ...extra }) as Command;

const nested = (levels: number): JsonValue => {
  let value: JsonValue = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

/** The bad records' kinds, each a way a producer can get a command wrong. */
function badRecord(n: number, random: () => number): Buffer | null {
  const id = `bad-${n}`;
  const encode = (command: Command) => fixture.codec.encode('command', toCommandEnvelope(command));
  const withBody = (body: string) => {
    const envelope = { ...toCommandEnvelope(start(id, n, {})), body };
    return fixture.codec.encode('command', envelope);
  };
  switch (n % 11) {
    case 0:
      return randomBytes(1 + Math.floor(random() * 200));
    case 1: {
      const valid = encode(start(id, n, { id, amount: 1 }));
      return valid.subarray(0, 6 + Math.floor(random() * (valid.length - 7)));
    }
    case 2: {
      const unknown = Buffer.alloc(20);
      unknown.writeUInt32BE(1_000_000_000 + n, 1);
      return unknown;
    }
    case 3: {
      // Invalid UTF-8 where the body's JSON should be.
      const valid = withBody('x'.repeat(12));
      const at = valid.indexOf('x'.repeat(12));
      valid.fill(0xff, at, at + 12);
      return valid;
    }
    case 4:
      return encode(start(id, n, { id, amount: 'n'.repeat(100_000) }));
    case 5:
      return encode(start(id, n, nested(200)));
    case 6:
      return encode(start(id, n, { id: 42, amount: 'lots' }));
    case 7:
      return withBody('{}');
    case 8:
      return encode({ ...start(id, n, { id, amount: 1 }), workflow: `no-such-flow-${n % 7}` });
    case 9:
      return encode(start(id, n, { id, amount: 1 }, { version: 99 }));
    default:
      return null;
  }
}

beforeAll(async () => {
  fixture = await OrchestratorFixture.create('fuzz', 3);
  transitions = await fixture.tailTransitions();
  tasks = await fixture.tailEnvelopes<TaskEnvelope>(fixture.topics.tasks, 'task-request');
  dlq = await fixture.tailEnvelopes<DeadLetterEnvelope>(fixture.topics.dlq, 'dead-letter');
  tasks.onMessage(async ({ value }) => fixture.publisher.publish(succeeded(value)));
  await fixture.startOrchestrator(createRegistry([benchFlow]));
});

afterAll(async () => {
  await Promise.allSettled([transitions?.stop(), tasks?.stop(), dlq?.stop()]);
  await fixture?.close();
});

test(`${BAD} bad records are dead-lettered exactly once each with a reason; ${VALID} valid workflows complete`, async () => {
  const random = prng(20261129);
  const producer = fixture.kafka.producer({ idempotent: true, createPartitioner: commandPartitioner });
  await producer.connect();
  const chunk = 50;
  const validEvery = Math.max(1, Math.floor(BAD / VALID));
  let valid = 0;
  try {
    for (let from = 0; from < BAD; from += chunk) {
      const messages = [];
      for (let n = from; n < Math.min(BAD, from + chunk); n++) {
        messages.push({ key: `bad-${n}`, value: badRecord(n, random), headers: { [FUZZ_ID]: String(n) } });
        if (n % validEvery === 0 && valid < VALID) {
          const id = `good-${valid}`;
          const value = fixture.codec.encode(
            'command',
            toCommandEnvelope(start(id, BAD + valid, { id, amount: 5 })),
          );
          messages.push({ key: id, value });
          valid += 1;
        }
      }
      await producer.send({ topic: fixture.topics.commands, messages });
    }
  } finally {
    await producer.disconnect();
  }

  await eventually('every bad record in the DLQ', () => dlq.values().length >= BAD, {
    timeoutMs: full ? 1_500_000 : 240_000,
    intervalMs: 500,
  });
  const fuzzIdOf = (letter: DeadLetterEnvelope) =>
    letter.headers.find((header) => header.key === FUZZ_ID)?.value?.toString();
  const letters = dlq.values();
  const seen = new Map<string, number>();
  for (const letter of letters) {
    const id = fuzzIdOf(letter);
    expect(id).toBeDefined();
    expect(letter.reason.length).toBeGreaterThan(0);
    seen.set(id!, (seen.get(id!) ?? 0) + 1);
  }
  expect(seen.size).toBe(BAD);
  expect([...seen.values()].every((count) => count === 1)).toBe(true);
  const codes = new Set(letters.map((letter) => letter.code));
  for (const code of [
    'undecodable',
    'unknown-schema',
    'invalid-command',
    'invalid-payload',
    'unknown-workflow',
  ]) {
    expect(codes).toContain(code);
  }

  await eventually(
    `${valid} valid workflows to complete`,
    () =>
      transitions.values().filter((r) => r.kind === 'transition' && r.status === 'completed').length >= valid,
    { timeoutMs: full ? 600_000 : 120_000, intervalMs: 500 },
  );
  expect(transitions.values().some((r) => r.correlationId.startsWith('bad-'))).toBe(false);
  process.stdout.write(
    `fuzz: ${BAD} bad records dead-lettered once each (${[...codes].sort().join(', ')}); ${valid} valid completed\n`,
  );
});
