// The core's one door: a command naming no registered workflow, or input that is no command at all, is refused
// before any instance is looked at, and leaves nothing to log (the orchestrator dead-letters it).
import { createRegistry, isDeadLetter } from './index';
import { Driver } from '../../test/unit/core/driver';
import { light } from '../../test/unit/core/light';

const driver = () => new Driver(createRegistry([light]), { workflow: 'light', correlationId: 'lamp-1' });

test('a command for a workflow no registry holds is rejected as unknown-workflow and leaves no record', () => {
  const d = driver();
  const step = d.send({ ...d.envelope(), workflow: 'nope', type: 'start', input: {} });
  expect(step).toMatchObject({
    decision: { kind: 'rejected', reason: { code: 'unknown-workflow' } },
    records: [],
    tasks: [],
    instance: undefined,
  });
  expect(isDeadLetter('unknown-workflow')).toBe(true);
});

test('input that is not a command is rejected as invalid-command and leaves no record', () => {
  const d = driver();
  d.start({});
  const step = d.send({ hello: 'world' });
  expect(step).toMatchObject({
    decision: { kind: 'rejected', reason: { code: 'invalid-command' } },
    records: [],
  });
  expect(d.instance?.seq).toBe(1);
});
