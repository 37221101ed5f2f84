// What decide checks before a command reaches its state's handler: the dedupe window (duplicates answer the
// original outcome, a reused id for another operation is a conflict), the instance it addresses, and the
// producer's concurrency controls (expectedSeq, sourceSeq).
import { z } from 'zod';
import { createRegistry, setup, type Decision } from '../index';
import { Driver } from '../../../test/unit/core/driver';

const flow = setup({
  types: {} as { context: { notes: string[]; address: string } },
  input: z.object({ address: z.string() }),
  events: { note: z.object({ text: z.string() }), move: z.object({ address: z.string() }), close: true },
  tasks: {},
});

const ticket = (onStartExisting: 'reject' | 'return-existing' = 'reject') =>
  flow.define({
    name: 'ticket',
    version: 1,
    initial: 'open',
    onStartExisting,
    context: (input) => ({ notes: [], address: input.address }),
    states: {
      open: {
        on: {
          note: { update: (ctx, { text }) => ({ ...ctx, notes: [...ctx.notes, text] }) },
          move: { update: (ctx, { address }) => ({ ...ctx, address }) },
          close: { target: 'closed' },
        },
      },
      closed: { final: 'completed' },
    },
  });

const driver = (definition = ticket()) =>
  new Driver(createRegistry([definition]), { workflow: 'ticket', correlationId: 't-1' });

describe('duplicates and conflicts', () => {
  test('a duplicate command produces no record and returns the original outcome, whatever its envelope says', () => {
    const d = driver();
    const start = { ...d.envelope(), type: 'start', input: { address: 'a' } };
    d.send(start);
    const again = d.send({ ...start, timestamp: d.now + 10, actor: 'someone else' });
    expect(again).toMatchObject({
      decision: { kind: 'duplicate', original: { kind: 'applied', seq: 1 } },
      records: [],
      tasks: [],
    });
    expect(d.instance?.seq).toBe(1);
  });

  test('a duplicate of a rejected command returns the same rejection and records nothing', () => {
    const d = driver();
    d.start({ address: 'a' });
    d.signal('close');
    const late = { ...d.envelope(), type: 'signal', event: 'note', payload: { text: 'x' } };
    const first = d.send(late);
    expect(first.decision).toMatchObject({ kind: 'rejected', reason: { code: 'finished' } });
    const second = d.send(late);
    expect(second).toMatchObject({
      decision: {
        kind: 'duplicate',
        original: {
          kind: 'rejected',
          reason: (first.decision as Extract<Decision, { kind: 'rejected' }>).reason,
        },
      },
      records: [],
    });
  });

  test('reusing a command id for a different operation is a conflict: recorded, not remembered, the first operation stands', () => {
    const d = driver();
    d.start({ address: 'a' });
    const id = { commandId: 'note-1' };
    d.signal('note', { text: 'a' }, id);
    const step = d.signal('note', { text: 'b' }, id);
    expect(step.decision).toMatchObject({ kind: 'rejected', reason: { code: 'conflict' } });
    expect(step.records).toEqual([
      expect.objectContaining({ kind: 'rejection', commandId: 'note-1', dedupe: [] }),
    ]);
    expect(d.instance?.context).toMatchObject({ notes: ['a'] });
    expect(d.signal('note', { text: 'a' }, id).decision).toEqual({
      kind: 'duplicate',
      original: { kind: 'applied', seq: 2 },
    });
  });
});

describe('the instance a command addresses', () => {
  test('starting an existing instance is rejected as already-started, and recorded', () => {
    const d = driver();
    d.start({ address: 'a' });
    const step = d.start({ address: 'b' });
    expect(step.decision).toMatchObject({ kind: 'rejected', reason: { code: 'already-started' } });
    expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection' })]);
    expect(d.instance).toMatchObject({ seq: 1, context: { address: 'a' } });
  });

  test('a definition that returns the existing instance answers a second start as a duplicate of the first', () => {
    const d = driver(ticket('return-existing'));
    d.start({ address: 'a' });
    expect(d.start({ address: 'b' })).toMatchObject({
      decision: { kind: 'duplicate', original: { kind: 'applied', seq: 1 } },
      records: [],
    });
  });

  test('a command other than start for an instance that does not exist is rejected as unknown-instance, unrecorded', () => {
    const d = driver();
    expect(d.signal('note', { text: 'x' })).toMatchObject({
      decision: { kind: 'rejected', reason: { code: 'unknown-instance' } },
      records: [],
      instance: undefined,
    });
  });

  test('a command for a finished instance is rejected as finished, and recorded', () => {
    const d = driver();
    d.start({ address: 'a' });
    d.signal('close');
    const step = d.signal('note', { text: 'x' });
    expect(step.decision).toEqual({
      kind: 'rejected',
      reason: { code: 'finished', message: 't-1 is completed' },
    });
    expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection' })]);
    expect(d.instance?.seq).toBe(2);
  });
});

describe('concurrency controls', () => {
  test('expectedSeq must equal the instance seq: a mismatch is rejected, a match applies', () => {
    const d = driver();
    d.start({ address: 'a' });
    expect(d.signal('note', { text: 'x' }, { expectedSeq: 7 }).decision).toMatchObject({
      kind: 'rejected',
      reason: { code: 'seq-mismatch' },
    });
    expect(d.signal('note', { text: 'y' }, { expectedSeq: 1 }).decision.kind).toBe('applied');
    expect(d.instance?.context).toMatchObject({ notes: ['y'] });
  });

  test('a command whose sourceSeq is not newer than the last applied one is rejected as stale and loses', () => {
    const d = driver();
    d.start({ address: 'a' });
    d.signal('move', { address: 'second' }, { sourceSeq: 2 });
    const stale = d.signal('move', { address: 'first' }, { sourceSeq: 1 });
    expect(stale.decision).toMatchObject({ kind: 'rejected', reason: { code: 'stale' } });
    expect(d.signal('move', { address: 'again' }, { sourceSeq: 2 }).decision).toMatchObject({
      reason: { code: 'stale' },
    });
    expect(d.instance).toMatchObject({ lastSourceSeq: 2, context: { address: 'second' } });
  });
});
