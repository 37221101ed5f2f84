// The catalogue's descriptions: stable hashes, the graph and schemas as data, the same version choice as the
// registry, and publication refusing a changed version.
import { z } from 'zod';
import {
  catalogueOf,
  chooseVersion,
  describeDefinition,
  hashOf,
  planPublication,
  setup,
  toMermaid,
  type DescribedDefinition,
} from '../index';

const flow = setup({
  types: {} as { context: { n: number; email: string } },
  input: z.object({ n: z.number().int(), email: z.string(), note: z.string().optional() }),
  events: { bump: z.object({ by: z.number() }), poke: true },
  tasks: { notify: { retry: { maxAttempts: 5 } } },
});

const counter = (version: number, ms = 1_000) =>
  flow.define({
    name: 'counter',
    version,
    initial: 'counting',
    context: (input) => ({ n: input.n, email: input.email }),
    sensitive: ['email'],
    states: {
      counting: {
        on: {
          bump: { update: (ctx, payload) => ({ ...ctx, n: ctx.n + payload.by }) },
          poke: { target: 'done' },
        },
        after: { ms, target: 'done' },
      },
      done: { final: 'completed' },
    },
  });

const byKey = (described: DescribedDefinition[]) => {
  const map = new Map(described.map((d) => [`${d.name}@${d.version}`, d]));
  return (key: string) => map.get(key);
};

describe('described definitions', () => {
  test('the same definition always hashes alike; a changed timeout changes the hash', () => {
    expect(describeDefinition(counter(1)).hash).toBe(describeDefinition(counter(1)).hash);
    expect(describeDefinition(counter(1, 2_000)).hash).not.toBe(describeDefinition(counter(1)).hash);
    const described = describeDefinition(counter(1));
    expect(hashOf(described)).toBe(described.hash);
  });

  test('input and payloads are JSON Schemas; sensitive paths and retry policies are kept', () => {
    const described = describeDefinition(counter(1));
    expect(described.inputSchema).toMatchObject({
      type: 'object',
      required: ['n', 'email'],
      properties: { n: { type: 'integer' }, email: { type: 'string' } },
    });
    expect(described.events).toEqual([
      expect.objectContaining({ name: 'bump', payloadSchema: expect.objectContaining({ type: 'object' }) }),
      expect.objectContaining({ name: 'poke', payloadSchema: null }),
    ]);
    expect(described.sensitive).toEqual(['email']);
    expect(described.tasks).toEqual([expect.objectContaining({ type: 'notify', compensation: null })]);
    expect(described.tasks[0]?.retry.maxAttempts).toBe(5);
  });

  test('a described definition draws the same diagram as the definition', () => {
    expect(toMermaid(describeDefinition(counter(1)))).toBe(toMermaid(counter(1)));
  });
});

describe('the catalogue', () => {
  const catalogue = (rollout?: Parameters<typeof chooseVersion>[0]) =>
    catalogueOf([describeDefinition(counter(1)), describeDefinition(counter(2))], () =>
      rollout === undefined ? undefined : { rollout, dedupe: null, revision: 1, recent: [] },
    );

  test('new instances get the latest version unless the settings say otherwise', () => {
    expect(catalogue().pick('counter', 'a')?.version).toBe(2);
    expect(catalogue({ kind: 'pinned', version: 1 }).pick('counter', 'a')?.version).toBe(1);
    expect(catalogue().names()).toEqual(['counter']);
    expect(catalogue().versions('counter')).toEqual([1, 2]);
    expect(catalogue().pick('other', 'a')).toBeUndefined();
  });

  test('a canary splits by correlation id as the registry does', () => {
    const rule = { kind: 'canary', stable: 1, canary: 2, percent: 30 } as const;
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) {
      expect(catalogue(rule).pick('counter', id)?.version).toBe(chooseVersion(rule, id));
    }
  });
});

describe('publication', () => {
  test('a new version is published, the same one is left alone, a changed one is a conflict', () => {
    const published = byKey([describeDefinition(counter(1)), describeDefinition(counter(2))]);
    const plan = planPublication(published, [
      describeDefinition(counter(1)),
      describeDefinition(counter(2, 5_000)),
      describeDefinition(counter(3)),
    ]);
    expect(plan.publish.map((d) => d.version)).toEqual([3]);
    expect(plan.unchanged.map((d) => d.version)).toEqual([1]);
    expect(plan.conflicts).toEqual([expect.objectContaining({ name: 'counter', version: 2 })]);
  });
});
