// The benchmark workflow runs two tasks in sequence and completes.
import { createRegistry } from '../../services/core';
import { Driver } from '../../test/unit/core/driver';
import { BENCH_FLOW, benchFlow } from './definition';

test('bench flow: validate, charge, completed in three transitions', () => {
  const d = new Driver(createRegistry([benchFlow]), { workflow: BENCH_FLOW, correlationId: 'b-1' });
  d.start({ id: 'b-1', amount: 5 });
  d.succeed('validate');
  d.succeed('charge');
  expect(d.instance).toMatchObject({ state: 'completed', status: 'completed', seq: 3 });
  expect(d.types()).toEqual(['validate', 'charge']);
});
