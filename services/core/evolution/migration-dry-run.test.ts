// A migration tried on recorded order saga instances: the failing ones are named, and nothing changes.
import { orderSaga, ORDER_SAGA } from '../../../examples/order-saga/definition';
import { order } from '../../../test/unit/core/driver';
import { Recorder } from '../../../test/unit/core/recorder';
import { createRegistry, type Migration, type WorkflowDefinition } from '..';
import { foldInstances, migrationDryRun } from './migration-dry-run';

const v1 = orderSaga();

/** Running orders in validating, reserving and shipping, and one completed. */
function recordedInstances() {
  const r = new Recorder(createRegistry([v1]), ORDER_SAGA);
  const start = (id: string) => r.start(id, { ...order, orderId: id });
  start('o-validating');
  start('o-reserving');
  r.succeed('o-reserving', 'validate-order');
  for (const id of ['o-shipping', 'o-completed']) {
    start(id);
    r.succeed(id, 'validate-order');
    r.succeed(id, 'reserve-inventory', { reservationId: 'r' });
    r.succeed(id, 'authorize-payment', { authorizationId: 'a' });
  }
  r.succeed('o-completed', 'ship-order', { shipmentId: 's' });
  return foldInstances(r.history.flatMap((entry) => entry.records));
}

/** Version 2 whose migration from 1 throws in shipping and names a state v2 lacks for reserving. */
function v2With(migration: Migration): WorkflowDefinition {
  return { ...orderSaga({ version: 2 }), migrations: new Map([[1, migration]]) };
}

const failing: Migration = ({ state, context }) => {
  if (state === 'shipping') throw new Error('no carrier mapping for shipping orders');
  return { state: state === 'reserving' ? 'reserving-v2' : state, context };
};

describe('migrationDryRun', () => {
  test('reports the instances a failing migration would refuse, and changes none', () => {
    const instances = recordedInstances();
    const before = JSON.stringify([...instances]);
    const registry = createRegistry([v1, v2With(failing)]);
    const report = migrationDryRun(
      registry,
      instances.values(),
      { workflow: ORDER_SAGA, targetVersion: 2 },
      1,
    );
    expect(report).toMatchObject({ workflow: ORDER_SAGA, targetVersion: 2, tried: 3, failed: 2 });
    expect(report.trials).toEqual([
      { ok: true, correlationId: 'o-validating', version: 1, state: 'validating', to: 'validating' },
      expect.objectContaining({
        ok: false,
        correlationId: 'o-reserving',
        state: 'reserving',
        code: 'migration-unavailable',
        message: expect.stringContaining('reserving-v2'),
      }),
      expect.objectContaining({
        ok: false,
        correlationId: 'o-shipping',
        state: 'shipping',
        code: 'definition-error',
        message: 'no carrier mapping for shipping orders',
      }),
    ]);
    expect(JSON.stringify([...instances])).toBe(before);
  });

  test('finished instances are not tried, and fromVersion limits the version', () => {
    const instances = recordedInstances();
    const registry = createRegistry([v1, v2With(({ state, context }) => ({ state, context }))]);
    const plan = { workflow: ORDER_SAGA, targetVersion: 2 };
    const all = migrationDryRun(registry, instances.values(), plan, 1);
    expect(all).toMatchObject({ tried: 3, failed: 0 });
    expect(all.trials.map((t) => t.correlationId)).not.toContain('o-completed');
    expect(migrationDryRun(registry, instances.values(), { ...plan, fromVersion: 3 }, 1).tried).toBe(0);
  });

  test('a target version with no migration from the instances version fails every one', () => {
    const registry = createRegistry([v1, orderSaga({ version: 2 })]);
    const report = migrationDryRun(
      registry,
      recordedInstances().values(),
      { workflow: ORDER_SAGA, targetVersion: 2 },
      1,
    );
    expect(report).toMatchObject({ tried: 3, failed: 3 });
    expect(report.trials[0]).toMatchObject({ code: 'migration-unavailable' });
  });
});
