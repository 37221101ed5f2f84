// A deployment that drops a version is refused only while that version still has live instances.
import { createRegistry, setup, unservedMessage, unservedVersions } from '../index';
import { z } from 'zod';

const flow = setup({ types: {} as { context: object }, input: z.object({}), events: {}, tasks: {} });
const version = (name: string, v: number) =>
  flow.define({
    name,
    version: v,
    initial: 'open',
    context: () => ({}),
    states: { open: {}, done: { final: 'completed' } },
  });
const deployed = createRegistry([version('orders', 2), version('refunds', 1)]);

test('versions with live instances that the deployment lacks are listed, by workflow and version', () => {
  const live = [
    { workflow: 'refunds', version: 0, live: 1 },
    { workflow: 'orders', version: 2, live: 9 },
    { workflow: 'orders', version: 1, live: 3 },
    { workflow: 'orders', version: 0, live: 0 },
    { workflow: 'gone', version: 4, live: 1 },
  ];
  expect(unservedVersions(deployed, live)).toEqual([
    { workflow: 'gone', version: 4, live: 1 },
    { workflow: 'orders', version: 1, live: 3 },
    { workflow: 'refunds', version: 0, live: 1 },
  ]);
  expect(unservedMessage(unservedVersions(deployed, live).slice(0, 2))).toBe(
    'the deployed workflows no longer serve versions with live instances: gone@4 has 1 live instance; ' +
      'orders@1 has 3 live instances. Deploy those versions again until their instances finish or are ' +
      'migrated (statewright versions shows them)',
  );
});

test('a deployment serving every live version is accepted', () => {
  expect(unservedVersions(deployed, [{ workflow: 'orders', version: 2, live: 4 }])).toEqual([]);
});
