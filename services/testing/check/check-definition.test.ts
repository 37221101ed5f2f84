// checkDefinition on good definitions (small ones and the order saga) and on broken ones, whose failures must
// name the property and the commands that break it.
import fc from 'fast-check';
import { z } from 'zod';
import { setup } from '../../core';
import { orderSaga } from '../../../examples/order-saga/definition';
import { checkDefinition, DefinitionCheckError, GeneratorError } from '../index';
import { arbitraryOf } from './payload-arbitrary';

const counter = setup({
  types: {} as { context: { total: number } },
  input: z.object({ start: z.number().int().min(0) }),
  events: { add: z.object({ by: z.number().int().min(1).max(10) }), close: true },
  tasks: { audit: { retry: { maxAttempts: 2, backoff: { kind: 'fixed', ms: 500 } } } },
});

const good = counter.define({
  name: 'counter',
  version: 1,
  initial: 'open',
  context: (input) => ({ total: input.start }),
  cancel: 'closed',
  states: {
    open: {
      on: {
        add: { update: (ctx, { by }) => ({ total: ctx.total + by }) },
        close: { target: 'auditing' },
      },
      after: { ms: 60_000, target: 'auditing' },
    },
    auditing: { invoke: { tasks: [{ task: 'audit' }], onDone: 'closed', onError: 'closed' } },
    closed: { final: 'completed' },
  },
});

describe('checkDefinition', () => {
  test('passes a sound definition and reports the states its runs entered', () => {
    const report = checkDefinition(good, { runs: 60, seed: 7 });
    expect(report).toMatchObject({ runs: 60, seed: 7, unreached: [] });
    expect(report.reached).toEqual(['open', 'auditing', 'closed']);
    // The properties ran: many commands, and repeats the instances remembered.
    expect(report.commands).toBeGreaterThan(60);
    expect(report.duplicates).toBeGreaterThan(0);
  });

  test('passes the order saga, with payloads derived from its schemas', () => {
    const report = checkDefinition(orderSaga({ shippingTimeoutMs: 30_000 }), { runs: 40, seed: 3 });
    expect(report.reached).toEqual(expect.arrayContaining(['validating', 'reserving']));
  });

  test('fails a definition with a reachable state no final state can be reached from, with the commands', () => {
    const broken = counter.define({
      name: 'broken',
      version: 1,
      initial: 'open',
      context: (input) => ({ total: input.start }),
      states: {
        open: { on: { close: { target: 'closed' }, add: { target: 'parked' } } },
        // No way out: no handler, no timeout, no cancel.
        parked: {},
        closed: { final: 'completed' },
      },
    });
    let failure: unknown;
    try {
      checkDefinition(broken, { runs: 100, seed: 11 });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(DefinitionCheckError);
    const error = failure as DefinitionCheckError;
    expect(error.message).toMatch(/reached state parked, from which no final state can be reached/);
    expect(error.message).toMatch(/replay it with checkDefinition\(definition, \{ seed: 11, path:/);
    // Shrunk to the start and the one signal that parks it.
    expect(error.counterexample).toEqual([
      expect.objectContaining({ type: 'start' }),
      expect.objectContaining({ type: 'signal', event: 'add' }),
    ]);
  });

  test('the same seed and path replay the same counterexample', () => {
    const looping = counter.define({
      name: 'looping',
      version: 1,
      initial: 'open',
      context: (input) => ({ total: input.start }),
      states: {
        open: { on: { close: { target: 'closed' }, add: { target: 'ping' } } },
        ping: { after: { ms: 10, target: 'pong' } },
        pong: { after: { ms: 10, target: 'ping' } },
        closed: { final: 'completed' },
      },
    });
    const run = (options: { seed: number; path?: string }) => {
      try {
        checkDefinition(looping, { runs: 50, ...options });
      } catch (error) {
        return error as DefinitionCheckError;
      }
      throw new Error('expected a failure');
    };
    const first = run({ seed: 5 });
    expect(first.message).toMatch(/reached state (ping|pong)/);
    const again = run({ seed: first.replay.seed, path: first.replay.path ?? undefined });
    expect(again.counterexample).toEqual(first.counterexample);
  });

  test('fails a definition whose code throws for some valid payload', () => {
    const fragile = counter.define({
      name: 'fragile',
      version: 1,
      initial: 'open',
      context: (input) => ({ total: input.start }),
      states: {
        open: {
          on: {
            add: {
              update: (ctx, { by }) => {
                if (by > 7) throw new Error(`cannot add ${by}`);
                return { total: ctx.total + by };
              },
            },
            close: { target: 'closed' },
          },
        },
        closed: { final: 'completed' },
      },
    });
    expect(() => checkDefinition(fragile, { runs: 100, seed: 2 })).toThrow(
      /definition code failed .*cannot add (8|9|10)/,
    );
  });

  test('finds a dead end from the graph even when no run enters it', () => {
    const hidden = counter.define({
      name: 'hidden',
      version: 1,
      initial: 'open',
      context: (input) => ({ total: input.start }),
      states: {
        open: {
          on: {
            close: { target: 'closed' },
            // The guard refuses every payload today; the graph still has the edge a later change may open.
            add: { target: 'limbo', guard: () => false },
          },
        },
        limbo: {},
        closed: { final: 'completed' },
      },
    });
    expect(() => checkDefinition(hidden, { runs: 30, seed: 1 })).toThrow(
      /state limbo can be reached \(open --add \[guard\]--> limbo\) and no final state can be reached from it/,
    );
  });

  test('uses the generators the caller passes', () => {
    const seen: number[] = [];
    const by = fc.integer({ min: 1, max: 3 }).map((n) => {
      seen.push(n);
      return { by: n };
    });
    checkDefinition(good, { runs: 20, seed: 4, events: { add: by }, input: fc.constant({ start: 5 }) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n >= 1 && n <= 3)).toBe(true);
  });

  test('says so when it cannot derive a valid start input', () => {
    const picky = setup({
      types: {} as { context: null },
      input: z.string().refine((s) => s === 'exactly this'),
      events: {},
      tasks: {},
    }).define({
      name: 'picky',
      version: 1,
      initial: 'done',
      context: () => null,
      states: { done: { final: 'completed' } },
    });
    expect(() => checkDefinition(picky)).toThrow(GeneratorError);
    expect(() => checkDefinition(picky, { input: fc.constant('exactly this'), runs: 5 })).not.toThrow();
  });
});

describe('payloads derived from schemas', () => {
  test('values derived from common schemas are accepted by them', () => {
    const schema = z.object({
      id: z.string().min(1).max(5),
      count: z.number().int().min(0).max(9),
      ratio: z.number().positive().max(1),
      kind: z.enum(['a', 'b']),
      tags: z.array(z.string()).min(1).max(2),
      note: z.string().optional(),
      nested: z.object({ flag: z.boolean(), nothing: z.null() }),
      either: z.union([z.literal('x'), z.number()]),
      byKey: z.record(z.string(), z.number()),
    });
    fc.assert(fc.property(arbitraryOf(schema), (value) => schema.safeParse(value).success));
  });
});
