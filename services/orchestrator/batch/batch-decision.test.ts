// decideBatch without Kafka: inbound commands in, the messages and instances of the batch out. The encoder writes
// JSON so each output can be read back and checked.
import { z } from 'zod';
import {
  createRegistry,
  parseCommand,
  EMPTY_ENVIRONMENT,
  NO_HEALTH,
  setup,
  verdict,
  type Instance,
  type LogRecord,
  type TaskRequest,
} from '../../core';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';
import type { DeadLetterEnvelope } from '../../platform/codec/dead-letter-envelope';
import { KEY_REQUEST } from '../../platform/codec/key-request';
import type { ProducedRecord } from '../../platform/kafka/records';
import { decideBatch, type BatchContext, type BatchDecision } from './batch-decision';
import type { Decoded, InboundCommand } from './inbound-command';
import type { OutputEncoder } from './output-encoder';
import { decideRaw } from '../../../test/harness/decide-raw';

/** The outcome of each command, in order. */
/** A command as written on the wire, before it is parsed. */
type Command = Record<string, unknown>;

const outcomesOf = (decision: BatchDecision) => decision.commands.map((decided) => decided.outcome);
/** Each command as the core decided it, or undefined for a dead letter, in order. */
const decidedOf = (decision: BatchDecision) =>
  decision.commands.map((decided) => (decided.outcome === 'dlq' ? undefined : decided));

interface Parcel {
  item: string;
  label: string | null;
  notes: string[];
  error: string | null;
}

// review --approve--> labelling (invokes `label`) --done--> labelled | --error--> failed; cancel → cancelled.
// In review a `note` is stashed, a `poke` ignored, a `hold` deferred by its guard; `approve` is refused elsewhere.
const parcel = setup({
  types: {} as { context: Parcel },
  input: z.object({ item: z.string() }),
  events: { approve: true, note: z.object({ text: z.string() }), poke: true, hold: true },
  tasks: { label: {} },
}).define({
  name: 'parcel',
  version: 1,
  initial: 'review',
  context: (input) => ({ item: input.item, label: null, notes: [], error: null }),
  unaccepted: { note: 'stash', poke: 'ignore' },
  cancel: 'cancelled',
  states: {
    review: {
      on: {
        approve: { target: 'labelling' },
        hold: { guard: () => verdict.defer(60_000) },
      },
    },
    labelling: {
      invoke: {
        tasks: [
          { task: 'label', assign: (context, output) => ({ ...context, label: JSON.stringify(output) }) },
        ],
        onDone: 'labelled',
        onError: { target: 'failed', update: (context, error) => ({ ...context, error: error.message }) },
      },
      on: {
        note: { update: (context, payload) => ({ ...context, notes: [...context.notes, payload.text] }) },
      },
    },
    labelled: { final: 'completed' },
    failed: { final: 'failed' },
    cancelled: { final: 'cancelled' },
  },
});

const registry = createRegistry([parcel]);
const NOW = 1_700_000_000_000;
const SOURCE = { topic: 'sw.commands', partition: 3 };
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const jsonEncoder: OutputEncoder = {
  record: json,
  task: json,
  deadLetter: json,
  audit: json,
  command: json,
};
const read = <T>(record: ProducedRecord): T => JSON.parse(String(record.value)) as T;
const records = (decision: BatchDecision) => decision.transitions.map((m) => read<LogRecord>(m));
const tasks = (decision: BatchDecision) => decision.tasks.map((m) => read<TaskRequest>(m));
const letters = (decision: BatchDecision) => decision.deadLetters.map((m) => read<DeadLetterEnvelope>(m));
const audits = (decision: BatchDecision) => decision.audits.map((m) => read<AuditEnvelope>(m));

let counter = 0;
const envelope = (id: string, extra: Command = {}): Command => ({
  commandId: `cmd-${++counter}`,
  correlationId: id,
  workflow: 'parcel',
  actor: 'client',
  timestamp: NOW - 10,
  ...extra,
});
const start = (id: string, extra: Command = {}): Command => ({
  ...envelope(id, extra),
  type: 'start',
  input: { item: 'book' },
});
const signal = (id: string, event: string, payload: unknown = {}, extra: Command = {}): Command => ({
  ...envelope(id, extra),
  type: 'signal',
  event,
  payload,
});
const cancel = (id: string, extra: Command = {}): Command => ({
  ...envelope(id, { actor: 'ops@example.com', ...extra }),
  type: 'cancel',
  reason: 'customer asked',
});
const purge = (id: string): Command => ({
  ...envelope(id, { actor: 'ops@example.com' }),
  type: 'admin',
  action: 'purge',
});
const taskResult = (task: TaskRequest, outcome: Command): Command => ({
  ...envelope(task.correlationId, { commandId: task.runId, actor: 'worker' }),
  type: 'task-result',
  taskId: task.taskId,
  runId: task.runId,
  outcome,
});

let offset = 100;
function inbound(
  command: Command,
  options: { key?: string | null; headers?: InboundCommand['headers'] } = {},
) {
  const key = options.key === undefined ? String(command.correlationId) : options.key;
  // Parsed once, as the decoder does: an unparsable command is a dead letter before the batch decides.
  const parsed = parseCommand(command);
  const decoded: Decoded = parsed.ok
    ? parsed
    : { ok: false, code: 'invalid-command', reason: parsed.message };
  return message(decoded, key, json(command), options.headers);
}
function message(
  decoded: Decoded,
  key: string | null,
  value: Buffer | null,
  headers: InboundCommand['headers'] = {},
): InboundCommand {
  offset += 1;
  return {
    offset: String(offset),
    timestamp: String(NOW - 5),
    key: key === null ? null : Buffer.from(key),
    value,
    headers,
    decoded,
  };
}

/** An instance as committed before the batch: the commands folded through the core, with the tasks it asked for. */
function committed(...commands: Command[]): { instance: Instance; tasks: TaskRequest[] } {
  let instance: Instance | undefined;
  const requested: TaskRequest[] = [];
  for (const command of commands) {
    const step = decideRaw(registry, instance, command, NOW - 1_000, EMPTY_ENVIRONMENT);
    if (step.decision.kind !== 'applied') throw new Error(`fixture command ${step.decision.kind}`);
    instance = step.instance;
    requested.push(...step.tasks);
  }
  if (instance === undefined) throw new Error('fixture left no instance');
  return { instance, tasks: requested };
}

function contextOf(instances: Instance[] = [], extra: Partial<BatchContext> = {}): BatchContext {
  const byId = new Map(instances.map((instance) => [String(instance.correlationId), instance]));
  return {
    registry,
    health: NO_HEALTH,
    now: NOW,
    source: SOURCE,
    lookup: (id) => byId.get(id),
    encoder: jsonEncoder,
    maxRecordBytes: 100_000,
    ...extra,
  };
}

describe('decideBatch: what becomes of each command', () => {
  it('an applied command writes its transition to the source partition, keyed by its instance, and its tasks', () => {
    const { instance } = committed(start('p-1'));
    const approve = signal('p-1', 'approve');
    const decision = decideBatch(contextOf([instance]), [
      inbound(approve, { headers: { traceparent: TRACEPARENT } }),
    ]);

    expect(outcomesOf(decision)).toEqual(['applied']);
    expect(decision.transitions).toHaveLength(1);
    const [transition] = decision.transitions;
    expect(transition?.partition).toBe(SOURCE.partition);
    expect(transition?.key).toBe('p-1');
    expect(transition?.headers).toEqual({ traceparent: TRACEPARENT });
    expect(records(decision)).toEqual([
      expect.objectContaining({
        kind: 'transition',
        commandId: approve.commandId,
        event: 'approve',
        from: 'review',
        to: 'labelling',
        seq: 2,
      }),
    ]);
    expect(decision.tasks.map((m) => m.key)).toEqual(['p-1']);
    expect(decision.tasks[0]?.partition).toBeUndefined();
    expect(tasks(decision)).toEqual([
      expect.objectContaining({ type: 'label', correlationId: 'p-1', workflow: 'parcel', attempt: 1 }),
    ]);
    expect(decision.applied.map((t) => t.to)).toEqual(['labelling']);
    expect(decision.deadLetters).toEqual([]);
    expect(decision.audits).toEqual([]);
  });

  it('a duplicate command produces no record, task or change', () => {
    const approve = signal('p-1', 'approve');
    const { instance } = committed(start('p-1'), approve);
    const decision = decideBatch(contextOf([instance]), [inbound(approve)]);

    expect(outcomesOf(decision)).toEqual(['duplicate']);
    expect(decision.transitions).toEqual([]);
    expect(decision.tasks).toEqual([]);
    expect(decision.applied).toEqual([]);
    expect(decision.changes.size).toBe(0);
    expect(decidedOf(decision)[0]?.step.decision).toEqual({
      kind: 'duplicate',
      original: { kind: 'applied', seq: 2 },
    });
  });

  it('a command the state refuses is recorded as a rejection and moves nothing', () => {
    const { instance } = committed(start('p-1'), signal('p-1', 'approve'));
    const decision = decideBatch(contextOf([instance]), [inbound(signal('p-1', 'approve'))]);

    expect(outcomesOf(decision)).toEqual(['rejected']);
    expect(records(decision)).toEqual([
      expect.objectContaining({
        kind: 'rejection',
        reason: expect.objectContaining({ code: 'not-accepted' }),
      }),
    ]);
    expect(decision.applied).toEqual([]);
    expect(decision.tasks).toEqual([]);
    expect(decision.deadLetters).toEqual([]);
    expect(decision.changes.get('p-1')).toMatchObject({ state: 'labelling', seq: 2 });
  });

  it('an event the state ignores leaves a dismissal record', () => {
    const { instance } = committed(start('p-1'));
    const decision = decideBatch(contextOf([instance]), [inbound(signal('p-1', 'poke'))]);

    expect(outcomesOf(decision)).toEqual(['ignored']);
    expect(records(decision)).toEqual([expect.objectContaining({ kind: 'ignored' })]);
    expect(decision.applied).toEqual([]);
  });

  it('a data key command is ignored without any record: the processor serves it', () => {
    const { instance } = committed(start('p-1'));
    const request = { ...envelope('p-1'), type: KEY_REQUEST, body: '{}' };
    const decision = decideBatch(contextOf([instance]), [inbound(request)]);

    expect(outcomesOf(decision)).toEqual(['ignored']);
    expect(decision.transitions).toEqual([]);
    expect(decision.deadLetters).toEqual([]);
    expect(decision.changes.size).toBe(0);
    expect(decidedOf(decision)[0]).toMatchObject({
      before: instance,
      step: { decision: { kind: 'ignored' } },
    });
  });

  it('an event a later state accepts is stashed on the instance', () => {
    const { instance } = committed(start('p-1'));
    const decision = decideBatch(contextOf([instance]), [
      inbound(signal('p-1', 'note', { text: 'fragile' })),
    ]);

    expect(outcomesOf(decision)).toEqual(['stashed']);
    expect(records(decision)).toEqual([expect.objectContaining({ kind: 'stashed' })]);
    expect(decision.changes.get('p-1')?.stash).toHaveLength(1);
  });

  it('a guard asking to wait defers the command with a timer', () => {
    const { instance } = committed(start('p-1'));
    const decision = decideBatch(contextOf([instance]), [inbound(signal('p-1', 'hold'))]);

    expect(outcomesOf(decision)).toEqual(['deferred']);
    expect(records(decision)).toEqual([expect.objectContaining({ kind: 'deferral', until: NOW + 60_000 })]);
    expect(decision.changes.get('p-1')?.timers).toEqual([
      expect.objectContaining({ kind: 'deferral', dueAt: NOW + 60_000 }),
    ]);
  });
});

describe('decideBatch: dead letters', () => {
  it('passes a decode failure through with the original bytes, key, headers and position', () => {
    const failed = message(
      { ok: false, code: 'undecodable', reason: 'not an Avro envelope' },
      'p-1',
      Buffer.from('garbage'),
      { traceparent: TRACEPARENT },
    );
    const decision = decideBatch(contextOf(), [failed]);

    expect(outcomesOf(decision)).toEqual(['dlq']);
    expect(decidedOf(decision)).toEqual([undefined]);
    expect(decision.transitions).toEqual([]);
    expect(decision.deadLetters).toHaveLength(1);
    expect(decision.deadLetters[0]?.key).toEqual(Buffer.from('p-1'));
    expect(decision.deadLetters[0]?.headers).toEqual({ traceparent: TRACEPARENT });
    const [letter] = letters(decision);
    expect(letter).toMatchObject({
      code: 'undecodable',
      reason: 'not an Avro envelope',
      topic: SOURCE.topic,
      partition: SOURCE.partition,
      offset: Number(failed.offset),
      timestamp: NOW - 5,
    });
    expect(Buffer.from((letter?.value as unknown as { data: number[] }).data).toString()).toBe('garbage');
    expect(letter?.headers).toEqual([
      { key: 'traceparent', value: JSON.parse(JSON.stringify(Buffer.from(TRACEPARENT))) as unknown },
    ]);
  });

  it('dead-letters a record whose key is not the correlation id, without deciding it', () => {
    const { instance } = committed(start('p-1'));
    const decision = decideBatch(contextOf([instance]), [inbound(signal('p-1', 'approve'), { key: 'p-2' })]);

    expect(outcomesOf(decision)).toEqual(['dlq']);
    expect(letters(decision)).toEqual([
      expect.objectContaining({
        code: 'invalid-command',
        reason: 'the record key must be the correlationId p-1',
      }),
    ]);
    expect(decision.transitions).toEqual([]);
    expect(decision.changes.size).toBe(0);
  });

  it('dead-letters a keyless record of a command that names an instance', () => {
    const decision = decideBatch(contextOf(), [inbound(start('p-1'), { key: null })]);

    expect(letters(decision)).toEqual([expect.objectContaining({ code: 'invalid-command' })]);
    expect(decision.changes.size).toBe(0);
  });

  it('dead-letters a start of an unknown workflow', () => {
    const decision = decideBatch(contextOf(), [inbound(start('p-1', { workflow: 'nope' }))]);

    expect(outcomesOf(decision)).toEqual(['dlq']);
    expect(letters(decision)).toEqual([expect.objectContaining({ code: 'unknown-workflow' })]);
    expect(decision.changes.size).toBe(0);
  });

  it('dead-letters a signal for an instance that does not exist', () => {
    const decision = decideBatch(contextOf(), [inbound(signal('ghost', 'approve'))]);

    expect(outcomesOf(decision)).toEqual(['dlq']);
    expect(letters(decision)).toEqual([
      expect.objectContaining({ code: 'unknown-instance', reason: 'no instance ghost' }),
    ]);
    expect(decision.transitions).toEqual([]);
    expect(decision.changes.size).toBe(0);
  });

  it('dead-letters a workflow settings command when this orchestrator applies no settings', () => {
    const settings = {
      ...envelope('workflow:parcel', { actor: 'ops@example.com' }),
      type: 'workflow-settings',
      rollout: { kind: 'latest' },
    };
    const decision = decideBatch(contextOf(), [inbound(settings)]);

    expect(outcomesOf(decision)).toEqual(['dlq']);
    expect(letters(decision)).toEqual([expect.objectContaining({ code: 'invalid-command' })]);
    expect(decision.settings).toEqual([]);
  });
});

describe('decideBatch: the size of output records', () => {
  const huge = 'x'.repeat(20_000);

  it('dead-letters a command whose output record exceeds maxRecordBytes as oversized, and keeps nothing of it', () => {
    const big = { ...start('p-1'), input: { item: huge } };
    const decision = decideBatch(contextOf([], { maxRecordBytes: 10_000 }), [inbound(big)]);

    expect(outcomesOf(decision)).toEqual(['dlq']);
    expect(decidedOf(decision)).toEqual([undefined]);
    const [letter] = letters(decision);
    expect(letter?.code).toBe('oversized');
    expect(letter?.reason).toMatch(/^an output record of \d+ bytes exceeds 10000$/);
    expect(decision.transitions).toEqual([]);
    expect(decision.changes.size).toBe(0);
  });

  it('a record of exactly maxRecordBytes is applied', () => {
    const command = start('p-1');
    const probe = decideBatch(contextOf(), [inbound(command)]);
    const size = probe.transitions[0]?.value?.length ?? 0;
    expect(size).toBeGreaterThan(0);

    expect(outcomesOf(decideBatch(contextOf([], { maxRecordBytes: size }), [inbound(command)]))).toEqual([
      'applied',
    ]);
    expect(outcomesOf(decideBatch(contextOf([], { maxRecordBytes: size - 1 }), [inbound(command)]))).toEqual([
      'dlq',
    ]);
  });

  it("a task's success too large to record is applied as the task's fatal failure: the instance takes its error path", () => {
    const { instance, tasks: requested } = committed(start('p-1'), signal('p-1', 'approve'));
    const label = requested[0]!;
    const success = taskResult(label, { kind: 'succeeded', output: { text: huge } });
    const decision = decideBatch(contextOf([instance], { maxRecordBytes: 10_000 }), [inbound(success)]);

    expect(outcomesOf(decision)).toEqual(['applied']);
    expect(decision.deadLetters).toEqual([]);
    const [transition] = records(decision);
    expect(transition).toMatchObject({
      kind: 'transition',
      from: 'labelling',
      to: 'failed',
      status: 'failed',
    });
    const after = decision.changes.get('p-1');
    expect(after).toMatchObject({ state: 'failed', status: 'failed', context: { label: null } });
    const error = (after?.context as { error: string }).error;
    expect(error).toMatch(/^task output refused: an output record of \d+ bytes exceeds 10000$/);
    expect(decidedOf(decision)[0]?.command).toMatchObject({
      taskId: label.taskId,
      outcome: { kind: 'fatal', error: { code: 'oversized-output' } },
    });
  });

  it("a task's success that fits is applied as a success", () => {
    const { instance, tasks: requested } = committed(start('p-1'), signal('p-1', 'approve'));
    const success = taskResult(requested[0]!, { kind: 'succeeded', output: { text: 'small' } });
    const decision = decideBatch(contextOf([instance], { maxRecordBytes: 10_000 }), [inbound(success)]);

    expect(decision.changes.get('p-1')).toMatchObject({ state: 'labelled', status: 'completed' });
  });

  it("a task's failure too large to record is still a dead letter", () => {
    const { instance, tasks: requested } = committed(start('p-1'), signal('p-1', 'approve'));
    const failure = taskResult(requested[0]!, { kind: 'fatal', error: { message: huge, code: null } });
    const decision = decideBatch(contextOf([instance], { maxRecordBytes: 10_000 }), [inbound(failure)]);

    expect(outcomesOf(decision)).toEqual(['dlq']);
    expect(letters(decision)).toEqual([expect.objectContaining({ code: 'oversized' })]);
    expect(decision.changes.size).toBe(0);
  });
});

describe('decideBatch: audit records of operator acts', () => {
  it("an operator's cancel leaves an audit record naming actor, target, position and the instance before and after", () => {
    const { instance } = committed(start('p-1'));
    const act = cancel('p-1');
    const command = inbound(act);
    const decision = decideBatch(contextOf([instance]), [command]);

    expect(outcomesOf(decision)).toEqual(['applied']);
    expect(decision.audits.map((m) => m.key)).toEqual(['p-1']);
    const [audit] = audits(decision);
    expect(audit).toMatchObject({
      auditId: act.commandId,
      at: NOW,
      issuedAt: NOW - 10,
      actor: 'ops@example.com',
      action: 'cancel',
      workflow: 'parcel',
      target: 'p-1',
      commandTopic: SOURCE.topic,
      commandPartition: SOURCE.partition,
      commandOffset: Number(command.offset),
    });
    expect(JSON.parse(audit!.before!)).toEqual({ version: 1, state: 'review', status: 'running', seq: 1 });
    expect(JSON.parse(audit!.after!)).toEqual({
      version: 1,
      state: 'cancelled',
      status: 'cancelled',
      seq: 2,
      reason: 'customer asked',
    });
  });

  it('a purge of a finished instance is audited and leaves the instance gone from changes', () => {
    const { instance } = committed(start('p-1'), cancel('p-1'));
    const decision = decideBatch(contextOf([instance]), [inbound(purge('p-1'))]);

    expect(outcomesOf(decision)).toEqual(['applied']);
    expect(records(decision)).toEqual([expect.objectContaining({ kind: 'purged', seq: 2 })]);
    expect(decision.changes.has('p-1')).toBe(true);
    expect(decision.changes.get('p-1')).toBeUndefined();
    expect(audits(decision)).toEqual([
      expect.objectContaining({ action: 'purge', target: 'p-1', after: null, actor: 'ops@example.com' }),
    ]);
  });

  it('neither a client signal nor a refused operator act is audited', () => {
    const running = committed(start('p-1')).instance;
    const finished = committed(start('p-2'), cancel('p-2')).instance;
    const decision = decideBatch(contextOf([running, finished]), [
      inbound(signal('p-1', 'approve')),
      inbound(cancel('p-2')),
      inbound(purge('p-1')),
    ]);

    expect(outcomesOf(decision)).toEqual(['applied', 'rejected', 'rejected']);
    expect(decision.audits).toEqual([]);
  });
});

describe('decideBatch: one batch, many commands', () => {
  it('a second command for an instance is decided against the first one’s result', () => {
    const approve = signal('p-1', 'approve');
    const decision = decideBatch(contextOf(), [
      inbound(start('p-1')),
      inbound(approve),
      inbound(signal('p-1', 'approve')),
      inbound(approve),
    ]);

    expect(outcomesOf(decision)).toEqual(['applied', 'applied', 'rejected', 'duplicate']);
    expect(records(decision).map((r) => [r.kind, r.kind === 'transition' ? r.seq : null])).toEqual([
      ['transition', 1],
      ['transition', 2],
      ['rejection', null],
    ]);
    expect(decidedOf(decision)[1]?.before).toMatchObject({ state: 'review', seq: 1 });
    expect(decidedOf(decision)[2]?.before).toMatchObject({ state: 'labelling', seq: 2 });
    expect(decision.changes.get('p-1')).toMatchObject({ state: 'labelling', seq: 2 });
  });

  it('changes holds each changed instance as it is after the batch, and only those', () => {
    const started = start('p-3');
    const untouched = committed(started).instance;
    const decision = decideBatch(contextOf([untouched]), [
      inbound(start('p-1')),
      inbound(start('p-2')),
      inbound(signal('p-1', 'approve')),
      inbound(started),
    ]);

    expect(outcomesOf(decision)).toEqual(['applied', 'applied', 'applied', 'duplicate']);
    expect([...decision.changes.keys()].sort()).toEqual(['p-1', 'p-2']);
    expect(decision.changes.get('p-1')).toMatchObject({ state: 'labelling', seq: 2 });
    expect(decision.changes.get('p-2')).toMatchObject({ state: 'review', seq: 1 });
  });

  it('outcomes and decided have one entry per command, in order, dead letters included', () => {
    const decision = decideBatch(contextOf(), [
      inbound(start('p-1')),
      message({ ok: false, code: 'unknown-schema', reason: 'schema 9 is unknown' }, 'p-1', null),
      inbound(signal('p-1', 'note', { text: 'fragile' })),
      inbound(signal('ghost', 'approve')),
      inbound(signal('p-1', 'poke')),
    ]);

    expect(outcomesOf(decision)).toEqual(['applied', 'dlq', 'stashed', 'dlq', 'ignored']);
    expect(decidedOf(decision)).toHaveLength(5);
    expect(decidedOf(decision).map((d) => d?.step.decision.kind)).toEqual([
      'applied',
      undefined,
      'stashed',
      undefined,
      'ignored',
    ]);
    expect(decidedOf(decision)[0]?.before).toBeUndefined();
    expect(decidedOf(decision)[2]?.command).toMatchObject({ event: 'note' });
    expect(letters(decision).map((l) => l.code)).toEqual(['unknown-schema', 'unknown-instance']);
  });
});

describe('decideBatch: circuits of task types', () => {
  const circuitSettings = (hold: 'open' | 'closed' | null): Command => ({
    ...envelope('health:label', { workflow: 'statewright.health', actor: 'ops@example.com' }),
    type: 'circuit-settings',
    taskType: 'label',
    hold,
    rule: {
      window: 4,
      failureRate: 1,
      minCalls: 4,
      consecutiveFailures: 1,
      openMs: 1_000,
      probes: 1,
      resumePerSecond: 10,
    },
  });

  it('an operator opening a circuit logs a health record and an audit; an approve in the same batch parks its task', () => {
    const { instance } = committed(start('p-1'));
    const decision = decideBatch(contextOf([instance]), [
      inbound(circuitSettings('open')),
      inbound(signal('p-1', 'approve')),
    ]);
    expect(outcomesOf(decision)).toEqual(['applied', 'applied']);
    expect(decision.transitions.map((m) => [m.key, m.partition])).toEqual([
      ['health:label', SOURCE.partition],
      ['p-1', SOURCE.partition],
    ]);
    expect(records(decision)[0]).toMatchObject({ kind: 'health', taskType: 'label' });
    expect(decision.health['label']?.circuit).toMatchObject({ phase: 'open', forced: 'open' });
    expect(decision.tasks).toEqual([]);
    expect(decision.changes.get('p-1')?.openTasks[0]).toMatchObject({ attempt: 1, parked: { since: NOW } });
    expect(audits(decision)).toEqual([
      expect.objectContaining({ action: 'circuit', target: 'health:label' }),
    ]);
  });

  it('a failed task result opens the circuit by its rule, in the same transaction as the result', () => {
    const { instance, tasks: sent } = committed(start('p-1'), signal('p-1', 'approve'));
    const closed = decideBatch(contextOf([]), [inbound(circuitSettings(null))]).health;
    const failure = { kind: 'fatal', error: { message: 'printer on fire' } };
    const decision = decideBatch(contextOf([instance], { health: closed }), [
      inbound(taskResult(sent[0]!, failure)),
    ]);
    expect(records(decision).map((r) => r.kind)).toEqual(['transition', 'health']);
    expect(decision.health['label']?.circuit?.phase).toBe('open');
  });

  it("a circuit opened by the partition's own outcomes is tripped on every other partition, in the same transaction", () => {
    const { instance, tasks: sent } = committed(start('p-1'), signal('p-1', 'approve'));
    const closed = decideBatch(contextOf([]), [inbound(circuitSettings(null))]).health;
    const load = { partition: SOURCE.partition, partitions: 4, running: new Map(), queued: new Map() };
    const failure = { kind: 'fatal', error: { message: 'printer on fire' } };
    const decision = decideBatch(contextOf([instance], { health: closed, load }), [
      inbound(taskResult(sent[0]!, failure)),
    ]);
    const epoch = decision.health['label']!.circuit!.epoch;
    expect(decision.fanout.map((m) => [m.key, m.partition])).toEqual([
      ['health:label', 0],
      ['health:label', 1],
      ['health:label', 2],
    ]);
    expect(decision.fanout[0]!.headers).toEqual({ 'statewright-partition-command': '1' });
    expect(read(decision.fanout[0]!)).toMatchObject({
      type: 'circuit-tripped',
      commandId: `circuit-tripped:label@${SOURCE.partition}/${epoch}`,
      taskType: 'label',
      origin: SOURCE.partition,
      why: '1 consecutive failures',
    });
  });

  it('a trip from another partition opens the circuit here and is not sent on', () => {
    const closed = decideBatch(contextOf([]), [inbound(circuitSettings(null))]).health;
    const load = { partition: SOURCE.partition, partitions: 4, running: new Map(), queued: new Map() };
    const trip: Command = {
      ...envelope('health:label', { workflow: 'statewright.health', actor: 'statewright:circuit' }),
      commandId: 'circuit-tripped:label@0/1',
      type: 'circuit-tripped',
      taskType: 'label',
      origin: 0,
      why: '5 consecutive failures',
    };
    const decision = decideBatch(contextOf([], { health: closed, load }), [inbound(trip)]);
    expect(outcomesOf(decision)).toEqual(['applied']);
    expect(decision.health['label']?.circuit).toMatchObject({
      phase: 'open',
      why: 'opened on partition 0: 5 consecutive failures',
    });
    expect(decision.fanout).toEqual([]);
    expect(decision.audits).toEqual([]);
  });
});

describe('decideBatch: in-flight limits of task types', () => {
  const limit = (maxInFlight: number): Command => ({
    ...envelope('health:label', { workflow: 'statewright.health', actor: 'ops@example.com' }),
    type: 'circuit-settings',
    taskType: 'label',
    maxInFlight,
  });
  const load = { partition: SOURCE.partition, partitions: 4, running: new Map(), queued: new Map() };

  it('a partition dispatches up to its share of the limit; the next run waits for capacity without using its attempt', () => {
    const a = committed(start('p-1')).instance;
    const b = committed(start('p-2')).instance;
    // 4 partitions share 7: partition 3 gets 1.
    const decision = decideBatch(contextOf([a, b], { load }), [
      inbound(limit(7)),
      inbound(signal('p-1', 'approve')),
      inbound(signal('p-2', 'approve')),
    ]);
    expect(tasks(decision).map((t) => t.correlationId)).toEqual(['p-1']);
    expect(decision.changes.get('p-2')?.openTasks[0]).toMatchObject({
      attempt: 1,
      parked: { reason: 'capacity of label is full' },
    });
    expect(decision.load.running.get('label')).toBe(1);
    expect(decision.load.queued.get('label')).toBe(1);
  });

  it('while runs wait for capacity, a new run queues behind them even if capacity frees', () => {
    const a = committed(start('p-1')).instance;
    const health = decideBatch(contextOf([]), [inbound(limit(8))]).health;
    const queued = { ...load, queued: new Map([['label', 1]]) };
    const decision = decideBatch(contextOf([a], { health, load: queued }), [
      inbound(signal('p-1', 'approve')),
    ]);
    expect(decision.tasks).toEqual([]);
    expect(decision.changes.get('p-1')?.openTasks[0]?.parked?.reason).toBe(
      'capacity of label: queued behind 1',
    );
  });
});

describe('decideBatch: rate limits of task types', () => {
  it('under a rate limit a new run waits to be paced; its resume dispatches it with the attempt it had', () => {
    const a = committed(start('p-1')).instance;
    const pace: Command = {
      ...envelope('health:label', { workflow: 'statewright.health', actor: 'ops@example.com' }),
      type: 'circuit-settings',
      taskType: 'label',
      perSecond: 2,
    };
    const first = decideBatch(contextOf([a]), [inbound(pace), inbound(signal('p-1', 'approve'))]);
    expect(first.tasks).toEqual([]);
    const parked = first.changes.get('p-1')!;
    const task = parked.openTasks[0]!;
    expect(task.parked?.reason).toBe('rate of label: paced');
    const resume: Command = {
      ...envelope('p-1', { actor: 'statewright:circuit' }),
      type: 'task-resume',
      taskId: task.taskId,
      runId: task.runId,
    };
    const second = decideBatch(contextOf([parked], { health: first.health }), [inbound(resume)]);
    expect(tasks(second)).toEqual([expect.objectContaining({ runId: task.runId, attempt: 1 })]);
  });
});
