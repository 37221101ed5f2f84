// The fleet's health from heartbeats: fresh beats add up per task type; stale ones and tombstones do not count; a
// task type whose last worker left is down; the same change in the same slot is the same command everywhere.
import { fleetHealth, healthCommandOf, sameFleetEntry } from './fleet-health';

const beat = (taskType: string, worker: string, at: number, inFlight = 1) => ({
  taskType,
  worker,
  capacity: 4,
  inFlight,
  at,
});

test('fresh beats add up per task type; stale beats and tombstones count for nothing', () => {
  const fleet = fleetHealth(
    [
      beat('pay', 'w1', 1_000, 2),
      beat('pay', 'w2', 900, 3),
      beat('pay', 'w3', 0),
      null,
      beat('ship', 'w1', 1_000),
    ],
    [],
    1_000,
    500,
  );
  expect(fleet.get('pay')).toEqual({ taskType: 'pay', health: 'up', alive: 2, capacity: 8, inFlight: 5 });
  expect(fleet.get('ship')).toMatchObject({ health: 'up', alive: 1 });
});

test('a task type whose workers all left is down', () => {
  const fleet = fleetHealth([null], ['pay'], 1_000, 500);
  expect(fleet.get('pay')).toEqual({ taskType: 'pay', health: 'down', alive: 0, capacity: 0, inFlight: 0 });
});

test('the same change in the same time slot is one command id; another change is another', () => {
  const entry = { taskType: 'pay', health: 'up' as const, alive: 1, capacity: 4, inFlight: 1 };
  const a = healthCommandOf(entry, 10_100, 1_000, 'o1');
  const b = healthCommandOf(entry, 10_900, 1_000, 'o2');
  const c = healthCommandOf({ ...entry, inFlight: 2 }, 10_900, 1_000, 'o2');
  expect(a.commandId).toBe(b.commandId);
  expect(c.commandId).not.toBe(a.commandId);
  expect(a).toMatchObject({
    correlationId: 'health:pay',
    workflow: 'statewright.health',
    type: 'health-changed',
  });
  expect(sameFleetEntry(entry, { ...entry })).toBe(true);
});
