// Versions: instances keep the version they started on; rollout picks new instances' versions; migration moves one.
import { z } from 'zod';
import { createRegistry, chooseVersion, setup, type Transition } from '../index';
import { Driver } from '../../../test/unit/core/driver';

const flow = setup({
  types: {} as { context: { n: number; label?: string } },
  input: z.object({ n: z.number() }),
  events: { bump: true },
  tasks: {},
});

const v1 = flow.define({
  name: 'counter',
  version: 1,
  initial: 'counting',
  context: (input) => ({ n: input.n }),
  states: {
    counting: { on: { bump: { update: (ctx) => ({ n: ctx.n + 1 }) } }, after: { ms: 1_000, target: 'done' } },
    done: { final: 'completed' },
  },
});

const v2 = flow.define({
  name: 'counter',
  version: 2,
  initial: 'tallying',
  context: (input) => ({ n: input.n, label: 'v2' }),
  states: {
    tallying: { on: { bump: { update: (ctx) => ({ ...ctx, n: ctx.n + 10 }) } } },
    done: { final: 'completed' },
  },
  migrations: {
    1: (from) => ({
      state: from.state === 'counting' ? 'tallying' : 'done',
      context: { n: 100, label: 'migrated' },
    }),
  },
});

describe('versions', () => {
  test('new instances start on the latest version by default; existing ones keep theirs', () => {
    const old = new Driver(createRegistry([v1]), { workflow: 'counter' });
    old.start({ n: 1 });
    const later = new Driver(createRegistry([v1, v2]), { workflow: 'counter', correlationId: 'k-2' });
    later.start({ n: 1 });
    expect(later.instance?.version).toBe(2);
    const resumed = new Driver(createRegistry([v1, v2]), { workflow: 'counter' });
    resumed.instance = old.instance;
    resumed.signal('bump', null, { commandId: 'bump-1' });
    expect(resumed.instance).toMatchObject({ version: 1, context: { n: 2 } });
  });

  test('a pinned rollout starts everything on the pinned version; a start may request a version', () => {
    const d = new Driver(createRegistry([v1, v2], { counter: { kind: 'pinned', version: 1 } }), {
      workflow: 'counter',
    });
    d.start({ n: 1 });
    expect(d.instance?.version).toBe(1);
    const asked = new Driver(createRegistry([v1, v2]), { workflow: 'counter' });
    asked.start({ n: 1 }, { version: 1 });
    expect(asked.instance?.version).toBe(1);
    const missing = new Driver(createRegistry([v1, v2]), { workflow: 'counter' });
    expect(missing.start({ n: 1 }, { version: 9 }).decision).toMatchObject({
      reason: { code: 'unknown-version' },
    });
  });

  test('a canary share is chosen by a stable hash of the correlation id', () => {
    const rule = { kind: 'canary', stable: 1, canary: 2, percent: 25 } as const;
    const picks = Array.from({ length: 2_000 }, (_, i) => chooseVersion(rule, `order-${i}`));
    const share = picks.filter((v) => v === 2).length / picks.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(chooseVersion(rule, 'order-7')).toBe(chooseVersion(rule, 'order-7'));
    expect(chooseVersion({ ...rule, percent: 0 }, 'order-7')).toBe(1);
    expect(chooseVersion({ ...rule, percent: 100 }, 'order-7')).toBe(2);
  });

  test('migration is an admin command; the transition carries the result so replay needs no code', () => {
    const d = new Driver(createRegistry([v1, v2]), { workflow: 'counter' });
    d.start({ n: 1 }, { version: 1 });
    const step = d.send({ ...d.envelope(), type: 'admin', action: 'migrate', targetVersion: 2 });
    const t = step.records[0] as Transition;
    expect(t).toMatchObject({
      event: 'migrate',
      version: 2,
      from: 'counting',
      to: 'tallying',
      context: { n: 100, label: 'migrated' },
    });
    expect(t.timers.clear).toEqual(['order-1/1/timeout']);
    expect(d.instance).toMatchObject({ version: 2, timers: [] });
    d.signal('bump');
    expect(d.instance?.context).toEqual({ n: 110, label: 'migrated' });
  });

  test('migrating without a declared migration is rejected and recorded', () => {
    const d = new Driver(createRegistry([v1, v2]), { workflow: 'counter' });
    d.start({ n: 1 });
    const step = d.send({ ...d.envelope(), type: 'admin', action: 'migrate', targetVersion: 1 });
    expect(step.decision).toMatchObject({ reason: { code: 'migration-unavailable' } });
    expect(step.records).toHaveLength(1);
  });

  test('registering a version twice or rolling out a missing version fails at creation', () => {
    expect(() => createRegistry([v1, v1])).toThrow('registered twice');
    expect(() => createRegistry([v1], { counter: { kind: 'pinned', version: 3 } })).toThrow(
      'unknown version 3',
    );
  });
});
