// A described definition fits schemas/definition.avsc and reads back as the same description.
import avro from 'avsc';
import { z } from 'zod';
import { describeDefinition, setup } from '../../core';
import { fromDefinitionEnvelope, toDefinitionEnvelope } from './definition-envelope';
import { readSchema, schemasDirectory } from './envelope-schemas';

const flow = setup({
  types: {} as { context: { email: string } },
  input: z.object({ email: z.string() }),
  events: { confirm: z.object({ code: z.string() }), poke: true },
  tasks: { mail: { retry: { maxAttempts: 2 } }, unmail: {} },
}).define({
  name: 'signup',
  version: 3,
  initial: 'mailing',
  context: (input) => input,
  sensitive: ['email'],
  cancel: 'cancelled',
  states: {
    mailing: {
      invoke: { tasks: [{ task: 'mail' }], onDone: 'waiting', onError: 'failed' },
    },
    waiting: { on: { confirm: { target: 'done' }, poke: {} }, after: { ms: 60_000, target: 'failed' } },
    done: { final: 'completed' },
    failed: { final: 'failed' },
    cancelled: { final: 'cancelled' },
  },
});

test('a described definition round-trips through the DefinitionRecord schema', () => {
  const type = avro.Type.forSchema(readSchema('definition', schemasDirectory()) as avro.Schema);
  const definition = describeDefinition(flow);
  const envelope = toDefinitionEnvelope({ definition, publishedAt: 1_700_000_000_000, publishedBy: 'orch' });
  const read = fromDefinitionEnvelope(type.fromBuffer(type.toBuffer(envelope)) as typeof envelope);
  expect(read).toEqual({ definition, publishedAt: 1_700_000_000_000, publishedBy: 'orch' });
});
