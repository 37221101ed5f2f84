import { z } from 'zod';
import { exampleWorkflows } from '../../../examples/catalogue';
import { setup, verdict } from '..';
import type { StateNode, WorkflowDefinition } from '../definition/workflow-definition';
import { checkWorkflow } from './check-workflow';
import type { FindingKind } from './finding';

const flow = setup({
  types: {} as { context: { n: number } },
  input: z.object({ n: z.number() }),
  events: { go: true, stop: true, poke: true },
  tasks: {
    check: {},
    charge: { compensation: { task: 'refund' } },
    refund: {},
    notify: {},
  },
});

const base = {
  name: 'f',
  version: 1,
  initial: 'working',
  context: (input: { n: number }) => input,
} as const;

const kinds = (definition: WorkflowDefinition): FindingKind[] => checkWorkflow(definition).map((f) => f.kind);

/** A definition changed by hand, as a generated or JavaScript-built one could be: the DSL's checks skipped. */
function edited(
  definition: WorkflowDefinition,
  state: string,
  change: Partial<StateNode>,
): WorkflowDefinition {
  const node = definition.states.get(state)!;
  return { ...definition, states: new Map(definition.states).set(state, { ...node, ...change }) };
}

const clean = flow.define({
  ...base,
  states: {
    working: {
      invoke: { tasks: [{ task: 'charge' }], onDone: 'waiting', onError: 'undoing' },
      on: { poke: {}, stop: { target: 'failed' } },
    },
    waiting: {
      on: { go: { target: 'done' } },
      after: { ms: 1_000, target: 'undoing' },
    },
    undoing: { compensate: { onDone: 'failed', onError: 'failed' } },
    done: { final: 'completed' },
    failed: { final: 'failed' },
  },
});

describe('checkWorkflow', () => {
  test('a well-formed definition has no findings', () => {
    expect(checkWorkflow(clean)).toEqual([]);
  });

  test('the example workflows pass clean', () => {
    for (const definition of exampleWorkflows({ shippingTimeoutMs: 30_000 }))
      expect(checkWorkflow(definition)).toEqual([]);
  });

  test('a state no path leads to is unreachable', () => {
    const definition = flow.define({
      ...base,
      states: {
        working: { on: { go: { target: 'done' }, poke: {}, stop: {} }, after: { ms: 5, target: 'done' } },
        orphan: { on: { go: { target: 'done' } }, after: { ms: 5, target: 'done' } },
        done: { final: 'completed' },
      },
    });
    const findings = checkWorkflow(definition);
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'unreachable-state', severity: 'error', where: 'f@1 state orphan' }),
    ]);
  });

  test('a non-final state with no way out is a dead end, even when a cancel could end it', () => {
    const definition = flow.define({
      ...base,
      cancel: 'done',
      states: {
        working: { on: { go: {}, poke: {}, stop: {} } },
        done: { final: 'cancelled' },
      },
    });
    const [finding] = checkWorkflow(definition);
    expect(finding).toMatchObject({ kind: 'dead-end', severity: 'error', where: 'f@1 state working' });
    expect(finding?.message).toContain('but a cancel');
  });

  test('states that only lead to each other can never finish', () => {
    const definition = flow.define({
      ...base,
      states: {
        working: { on: { go: { target: 'other' }, poke: {}, stop: {} }, after: { ms: 5, target: 'other' } },
        other: { on: { go: { target: 'working' } }, after: { ms: 5, target: 'working' } },
        done: { final: 'completed' },
      },
    });
    expect(kinds(definition)).toEqual(['unreachable-state', 'no-way-to-finish', 'no-way-to-finish']);
  });

  test('a state waiting for events with no timeout is a warning', () => {
    const definition = edited(clean, 'waiting', { after: null });
    expect(checkWorkflow(definition)).toEqual([
      expect.objectContaining({
        kind: 'waiting-without-timeout',
        severity: 'warning',
        where: 'f@1 state waiting',
      }),
    ]);
  });

  test('a task with no compensation after a compensable step, with a failure later, is a warning', () => {
    const definition = flow.define({
      ...base,
      states: {
        working: { invoke: { tasks: [{ task: 'charge' }], onDone: 'notifying', onError: 'failed' } },
        notifying: { invoke: { tasks: [{ task: 'notify' }], onDone: 'shipping', onError: 'undoing' } },
        shipping: { invoke: { tasks: [{ task: 'check' }], onDone: 'done', onError: 'undoing' } },
        undoing: { compensate: { onDone: 'failed', onError: 'failed' } },
        done: { final: 'completed' },
        failed: { final: 'failed' },
      },
    });
    // check ends the saga: nothing can fail after it. notify can be followed by check's failure.
    expect(checkWorkflow(definition).filter((f) => f.kind !== 'unaccepted-event')).toEqual([
      expect.objectContaining({
        kind: 'uncompensated-step',
        severity: 'warning',
        where: 'f@1 state notifying task notify',
      }),
    ]);
  });

  test('a task before any compensable step counts as a check and is not reported', () => {
    const definition = flow.define({
      ...base,
      states: {
        working: { invoke: { tasks: [{ task: 'check' }], onDone: 'charging', onError: 'failed' } },
        charging: { invoke: { tasks: [{ task: 'charge' }], onDone: 'done', onError: 'undoing' } },
        undoing: { compensate: { onDone: 'failed', onError: 'failed' } },
        done: { final: 'completed' },
        failed: { final: 'failed' },
      },
    });
    expect(kinds(definition)).not.toContain('uncompensated-step');
  });

  test('an event no state accepts is a warning', () => {
    const definition = flow.define({
      ...base,
      states: {
        working: {
          on: { go: { target: 'done' }, stop: { target: 'done' } },
          after: { ms: 5, target: 'done' },
        },
        done: { final: 'completed' },
      },
    });
    expect(checkWorkflow(definition)).toEqual([
      expect.objectContaining({ kind: 'unaccepted-event', severity: 'warning', where: 'f@1 event poke' }),
    ]);
  });

  test('a hand-built definition naming a state it does not hold is an error', () => {
    const definition = edited(clean, 'waiting', {
      after: { ms: 5, target: 'nowhere', update: null },
    });
    expect(checkWorkflow(definition)).toContainEqual(
      expect.objectContaining({ kind: 'unknown-state', severity: 'error', where: 'f@1 state waiting after' }),
    );
  });

  test('a hand-built definition naming a task type or event it does not declare is an error', () => {
    const working = clean.states.get('working')!;
    const definition = edited(clean, 'working', {
      invoke: { ...working.invoke!, tasks: [{ task: 'teleport', input: null, assign: null }] },
      on: new Map(working.on).set('shout', working.on.get('poke')!),
    });
    expect(checkWorkflow(definition)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'unknown-task', where: 'f@1 state working invoke' }),
        expect.objectContaining({ kind: 'unknown-event', where: 'f@1 state working on shout' }),
      ]),
    );
  });

  test('a guard that can cancel in a workflow that cannot be cancelled gives a verdict never used', () => {
    const definition = flow.define({
      ...base,
      states: {
        working: {
          on: {
            go: { target: 'done' },
            stop: { guard: (ctx) => (ctx.n > 1 ? verdict.cancel('too big') : true), target: 'done' },
            poke: {},
          },
          after: { ms: 5, target: 'done' },
        },
        done: { final: 'completed' },
      },
    });
    expect(checkWorkflow(definition)).toEqual([
      expect.objectContaining({
        kind: 'unusable-guard-verdict',
        severity: 'error',
        where: 'f@1 state working on stop',
      }),
    ]);
  });
});
