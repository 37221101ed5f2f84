// Which deferred runs are resumed: oldest first within a workflow, workflows in turns, no more than the free
// capacity of the partition's share of an in-flight limit.
import { closedCircuit, DEFAULT_CIRCUIT_RULE, dueResumes, type Instance, type OpenTask } from '../index';

const task = (id: string, since: number): OpenTask =>
  ({
    taskId: `${id}/1/0`,
    type: 'ship',
    kind: 'action',
    input: null,
    attempt: 1,
    runId: `${id}/1/0#1`,
    waiting: false,
    draining: false,
    source: { kind: 'invoke', state: 's', index: 0 },
    parked: { reason: 'capacity of ship is full', since },
  }) as OpenTask;
const instance = (id: string, workflow: string, since: number): Instance =>
  ({ correlationId: id, workflow, openTasks: [task(id, since)], updatedAt: since }) as unknown as Instance;
const health = {
  ship: {
    taskType: 'ship',
    health: 'up' as const,
    alive: 1,
    capacity: 10,
    inFlight: 0,
    rule: DEFAULT_CIRCUIT_RULE,
    circuit: closedCircuit(0),
    maxInFlight: 6,
    lastCommandId: null,
  },
};

test('a busy workflow does not starve another: workflows are taken in turns, each oldest first', () => {
  const waiting = [
    instance('busy-1', 'busy', 1),
    instance('busy-2', 'busy', 2),
    instance('busy-3', 'busy', 3),
    instance('quiet-1', 'quiet', 10),
  ];
  const load = {
    partition: 0,
    partitions: 2,
    running: new Map([['ship', 1]]),
    queued: new Map([['ship', 4]]),
  };
  // Share 3 of 6, one running: 2 free.
  const resumed = dueResumes(waiting, health, 100, 1_000, load).map((c) => c.correlationId);
  expect(resumed).toEqual(['busy-1', 'quiet-1']);
});

test('nothing is resumed while the share is in use', () => {
  const load = {
    partition: 0,
    partitions: 2,
    running: new Map([['ship', 3]]),
    queued: new Map([['ship', 1]]),
  };
  expect(dueResumes([instance('a', 'w', 1)], health, 100, 1_000, load)).toEqual([]);
});
