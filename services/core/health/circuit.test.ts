// Circuit breakers in the core: a task type's circuit opens after its rule's failures, defers the runs of that
// type without using their attempts, probes half-open, closes, and the deferred runs are resumed oldest first.
// The whole partition log (instance records and health records) folds back to the same instances and circuits.
import { z } from 'zod';
import fc from 'fast-check';
import {
  advanceCircuits,
  createRegistry,
  decide,
  decidePartition,
  dueResumes,
  evolve,
  foldHealth,
  environmentOf,
  isPartitionCommand,
  NO_HEALTH,
  observeStep,
  parseCommand,
  setup,
  type Command,
  type Environment,
  type HealthRecord,
  type Instance,
  type LogRecord,
  type PartitionHealth,
  type TaskRequest,
} from '../index';

const flow = setup({
  types: {} as { context: { paid: boolean } },
  input: z.object({}),
  events: {},
  tasks: { pay: { retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 1_000 }, jitter: 0 } } },
});
const payment = flow.define({
  name: 'payment',
  version: 1,
  initial: 'paying',
  context: () => ({ paid: false }),
  states: {
    paying: {
      invoke: { tasks: [{ task: 'pay' }], onDone: 'paid', onError: 'failed' },
    },
    paid: { final: 'completed' },
    failed: { final: 'failed' },
  },
});
const registry = createRegistry([payment]);
const RULE = {
  window: 4,
  failureRate: 1,
  minCalls: 4,
  consecutiveFailures: 2,
  openMs: 5_000,
  probes: 1,
  resumePerSecond: 2,
};

type Entry = LogRecord | HealthRecord;

/** As the environment is read back from a record: JSON. */
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** One partition's processor, pure: instances and health, changed only through the records it logs. */
class Partition {
  instances = new Map<string, Instance>();
  health: PartitionHealth = NO_HEALTH;
  log: Entry[] = [];
  tasks: TaskRequest[] = [];
  /** Every instance decision with what it was decided from, as the log's records record it. */
  decisions: {
    before: Instance | undefined;
    command: Command;
    now: number;
    env: Environment;
    records: readonly LogRecord[];
    tasks: readonly TaskRequest[];
  }[] = [];

  send(raw: Record<string, unknown>, now: number): void {
    const parsed = parseCommand({ actor: 'test', timestamp: now, workflow: 'payment', ...raw });
    if (!parsed.ok) throw new Error(parsed.message);
    this.decide(parsed.command, now);
  }

  decide(command: Command, now: number): void {
    const advanced = advanceCircuits(this.health, now, command.commandId);
    this.append(advanced.records);
    if (isPartitionCommand(command)) {
      const step = decidePartition(this.health, command, now);
      if (step.kind === 'applied') this.append([step.record]);
      return;
    }
    const before = this.instances.get(command.correlationId);
    const env = environmentOf(this.health);
    const step = decide(registry, before, command, now, env);
    this.decisions.push({ before, command, now, env, records: step.records, tasks: step.tasks });
    for (const record of step.records) this.append([record]);
    this.tasks.push(...step.tasks);
    this.append(observeStep(this.health, before, command, step, now).records);
  }

  private append(records: readonly Entry[]): void {
    for (const record of records) {
      this.log.push(record);
      if (record.kind === 'health') this.health = foldHealth(this.health, record);
      else {
        const next = evolve(this.instances.get(record.correlationId), record);
        if (next === undefined) this.instances.delete(record.correlationId);
        else this.instances.set(record.correlationId, next);
      }
    }
  }

  result(task: TaskRequest, ok: boolean, now: number): void {
    const outcome = ok
      ? { kind: 'succeeded', output: {} }
      : { kind: 'retryable', error: { message: 'provider down' } };
    this.send(
      {
        type: 'task-result',
        commandId: `r:${task.runId}`,
        correlationId: task.correlationId,
        taskId: task.taskId,
        runId: task.runId,
        outcome,
      },
      now,
    );
  }

  resumes(now: number): void {
    for (const command of dueResumes(this.instances.values(), this.health, now, 1_000))
      this.decide(command, now);
  }

  /** Folds the log from nothing: what a restore without a snapshot rebuilds. */
  fold(): { instances: Map<string, Instance>; health: PartitionHealth } {
    const instances = new Map<string, Instance>();
    let health: PartitionHealth = NO_HEALTH;
    for (const record of this.log) {
      if (record.kind === 'health') health = foldHealth(health, record);
      else {
        const next = evolve(instances.get(record.correlationId), record);
        if (next === undefined) instances.delete(record.correlationId);
        else instances.set(record.correlationId, next);
      }
    }
    return { instances, health };
  }
}

const start = (p: Partition, id: string, now: number) =>
  p.send({ type: 'start', commandId: `s:${id}`, correlationId: id, input: {} }, now);
const circuit = (p: Partition, hold: 'open' | 'closed' | null | undefined, now: number, id = `c${now}`) =>
  p.send(
    {
      type: 'circuit-settings',
      commandId: id,
      correlationId: 'health:pay',
      workflow: 'statewright.health',
      taskType: 'pay',
      rule: RULE,
      ...(hold === undefined ? {} : { hold }),
    },
    now,
  );
const phase = (p: Partition) => p.health['pay']?.circuit?.phase;
const parked = (p: Partition, id: string) =>
  p.instances.get(id)?.openTasks.find((t) => t.parked) !== undefined;

describe('circuit breaker of a task type', () => {
  it('opens after the configured consecutive failures and defers new instances without using an attempt', () => {
    const p = new Partition();
    circuit(p, undefined, 0);
    start(p, 'a', 1);
    start(p, 'b', 2);
    const [a, b] = p.tasks;
    p.result(a!, false, 10);
    expect(phase(p)).toBe('closed');
    p.result(b!, false, 11);
    expect(phase(p)).toBe('open');
    const sent = p.tasks.length;
    start(p, 'c', 20);
    expect(p.tasks.length).toBe(sent);
    const task = p.instances.get('c')!.openTasks[0]!;
    expect(task).toMatchObject({ attempt: 1, parked: { reason: 'circuit of pay is open', since: 20 } });
    const started = p.log.find((r) => r.kind === 'transition' && r.correlationId === 'c');
    expect(started).toMatchObject({ env: { circuits: { pay: { phase: 'open' } } } });
  });

  it('defers a retry of a running instance without consuming the attempt, then half-opens, probes, closes and resumes oldest first', () => {
    const p = new Partition();
    circuit(p, undefined, 0);
    start(p, 'a', 1);
    start(p, 'b', 2);
    p.result(p.tasks[0]!, false, 10);
    p.result(p.tasks[1]!, false, 11);
    expect(phase(p)).toBe('open');
    // a's retry timer fires while open: the second attempt is parked, not sent.
    const retry = p.instances.get('a')!.timers[0]!;
    p.send(
      { type: 'timer-fired', commandId: `t:${retry.timerId}`, correlationId: 'a', timerId: retry.timerId },
      1_010,
    );
    expect(parked(p, 'a')).toBe(true);
    expect(p.instances.get('a')!.openTasks[0]!.attempt).toBe(2);
    start(p, 'c', 1_020);
    expect(p.tasks).toHaveLength(2);
    // Nothing resumes before the open time has passed.
    p.resumes(3_000);
    expect(p.tasks).toHaveLength(2);
    // b's retry timer too, then the open time passes: one probe (the oldest deferral) goes.
    const retryB = p.instances.get('b')!.timers[0]!;
    p.send(
      { type: 'timer-fired', commandId: `t:${retryB.timerId}`, correlationId: 'b', timerId: retryB.timerId },
      1_030,
    );
    p.resumes(6_000);
    expect(phase(p)).toBe('half-open');
    expect(p.tasks).toHaveLength(3);
    expect(p.tasks[2]).toMatchObject({ correlationId: 'a', attempt: 2 });
    p.resumes(6_001);
    expect(p.tasks).toHaveLength(3);
    p.result(p.tasks[2]!, true, 6_100);
    expect(phase(p)).toBe('closed');
    expect(p.instances.get('a')!.status).toBe('completed');
    // Closed: the rest resume at the rule's rate (2 per second), oldest deferral first.
    p.resumes(7_000);
    expect(p.tasks.slice(3).map((t) => t.correlationId)).toEqual(['c', 'b']);
    p.result(p.tasks[3]!, true, 7_100);
    p.result(p.tasks[4]!, true, 7_200);
    expect([...p.instances.values()].map((i) => i.status)).toEqual(['completed', 'completed', 'completed']);
    const runs = p.tasks.map((t) => t.runId);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('a probe failure opens the circuit again', () => {
    const p = new Partition();
    circuit(p, undefined, 0);
    start(p, 'a', 1);
    start(p, 'b', 2);
    p.result(p.tasks[0]!, false, 10);
    p.result(p.tasks[1]!, false, 11);
    start(p, 'c', 20);
    p.resumes(6_000);
    expect(phase(p)).toBe('half-open');
    p.result(p.tasks[2]!, false, 6_100);
    expect(phase(p)).toBe('open');
  });

  it('an operator holds it open and closes it; a repeated settings command is a duplicate', () => {
    const p = new Partition();
    circuit(p, 'open', 0, 'op1');
    circuit(p, 'open', 0, 'op1');
    expect(p.log.filter((r) => r.kind === 'health')).toHaveLength(1);
    start(p, 'a', 1);
    expect(parked(p, 'a')).toBe(true);
    p.resumes(60_000);
    expect(p.tasks).toHaveLength(0);
    circuit(p, null, 60_001, 'op2');
    expect(phase(p)).toBe('closed');
    p.resumes(60_002);
    expect(p.tasks).toHaveLength(1);
  });

  it('a resume that finds the circuit holding leaves the run deferred', () => {
    const p = new Partition();
    circuit(p, 'open', 0);
    start(p, 'a', 1);
    const task = p.instances.get('a')!.openTasks[0]!;
    p.send(
      { type: 'task-resume', commandId: 'x', correlationId: 'a', taskId: task.taskId, runId: task.runId },
      2,
    );
    expect(parked(p, 'a')).toBe(true);
    expect(p.tasks).toHaveLength(0);
  });
});

describe('circuits opened from outside the partition', () => {
  const health = (p: Partition, state: 'up' | 'down', now: number) =>
    p.send(
      {
        type: 'health-changed',
        commandId: `h:${state}:${now}`,
        correlationId: 'health:pay',
        workflow: 'statewright.health',
        taskType: 'pay',
        health: state,
        alive: state === 'up' ? 1 : 0,
        capacity: state === 'up' ? 4 : 0,
        inFlight: 0,
      },
      now,
    );

  it("another partition's trip opens a closed circuit, which probes after its open time like its own", () => {
    const p = new Partition();
    circuit(p, undefined, 0);
    p.send(
      {
        type: 'circuit-tripped',
        commandId: 'circuit-tripped:pay@3/1',
        correlationId: 'health:pay',
        workflow: 'statewright.health',
        taskType: 'pay',
        origin: 3,
        why: '2 consecutive failures',
      },
      10,
    );
    expect(p.health['pay']?.circuit).toMatchObject({
      phase: 'open',
      why: 'opened on partition 3: 2 consecutive failures',
    });
    start(p, 'a', 20);
    expect(parked(p, 'a')).toBe(true);
    p.resumes(5_100);
    expect(phase(p)).toBe('half-open');
    p.result(p.tasks[0]!, true, 5_200);
    expect(phase(p)).toBe('closed');
  });

  it("a trip leaves an operator's hold and a task type without a rule as they are", () => {
    const held = new Partition();
    circuit(held, 'closed', 0);
    const noRule = new Partition();
    for (const p of [held, noRule]) {
      p.send(
        {
          type: 'circuit-tripped',
          commandId: 'circuit-tripped:pay@1/1',
          correlationId: 'health:pay',
          workflow: 'statewright.health',
          taskType: 'pay',
          origin: 1,
          why: 'x',
        },
        10,
      );
    }
    expect(phase(held)).toBe('closed');
    expect(noRule.health['pay']?.circuit ?? null).toBeNull();
  });

  it('no live worker opens the circuit and keeps it from probing until a worker is back', () => {
    const p = new Partition();
    circuit(p, undefined, 0);
    health(p, 'up', 1);
    health(p, 'down', 2);
    expect(p.health['pay']?.circuit).toMatchObject({ phase: 'open', why: 'no live worker of pay' });
    start(p, 'a', 3);
    p.resumes(60_000);
    expect(phase(p)).toBe('open');
    expect(p.tasks).toHaveLength(0);
    health(p, 'up', 60_001);
    p.resumes(60_002);
    expect(phase(p)).toBe('half-open');
    expect(p.tasks).toHaveLength(1);
    p.result(p.tasks[0]!, true, 60_003);
    expect(phase(p)).toBe('closed');
    expect(p.instances.get('a')?.status).toBe('completed');
  });
});

describe('replay of a partition log with health', () => {
  const actionArb = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('start' as const) }),
      fc.record({ kind: fc.constant('result' as const), ok: fc.boolean(), pick: fc.nat() }),
      fc.record({ kind: fc.constant('timers' as const) }),
      fc.record({ kind: fc.constant('resume' as const) }),
      fc.record({ kind: fc.constant('hold' as const), hold: fc.constantFrom('open', 'closed', null) }),
    ),
    { maxLength: 40 },
  );

  function play(
    actions: { kind: string; ok?: boolean; pick?: number; hold?: 'open' | 'closed' | null }[],
  ): Partition {
    const p = new Partition();
    circuit(p, undefined, 0);
    let now = 1;
    actions.forEach((action, i) => {
      now += 700;
      if (action.kind === 'start') start(p, `i${i}`, now);
      if (action.kind === 'result') {
        const open = [...p.instances.values()].flatMap((inst) =>
          inst.openTasks.filter((t) => !t.parked && !t.waiting),
        );
        const task = open[(action.pick ?? 0) % Math.max(1, open.length)];
        const request = task && p.tasks.find((t) => t.runId === task.runId);
        if (request) p.result(request, action.ok ?? true, now);
      }
      if (action.kind === 'timers') {
        for (const inst of [...p.instances.values()])
          for (const timer of inst.timers.filter((t) => t.dueAt <= now))
            p.send(
              {
                type: 'timer-fired',
                commandId: `t:${timer.timerId}`,
                correlationId: inst.correlationId,
                timerId: timer.timerId,
              },
              now,
            );
      }
      if (action.kind === 'resume') p.resumes(now);
      if (action.kind === 'hold') circuit(p, action.hold, now, `h${i}`);
    });
    return p;
  }

  it('a fold of the log rebuilds the instances (deferrals included) and the circuits', () => {
    fc.assert(
      fc.property(actionArb, (actions) => {
        const p = play(actions);
        const folded = p.fold();
        expect(folded.health).toEqual(p.health);
        expect(folded.instances).toEqual(p.instances);
      }),
    );
  });

  it('deciding again from the same instance, command, time and environment gives the same records and tasks', () => {
    fc.assert(
      fc.property(actionArb, (actions) => {
        const p = play(actions);
        for (const decided of p.decisions) {
          const again = decide(registry, decided.before, decided.command, decided.now, json(decided.env));
          expect(again.records).toEqual(decided.records);
          expect(again.tasks).toEqual(decided.tasks);
        }
      }),
    );
  });

  it('every record that parks a run carries the environment that held it', () => {
    fc.assert(
      fc.property(actionArb, (actions) => {
        const p = play(actions);
        for (const record of p.log) {
          if (record.kind !== 'transition' || !record.tasks.put.some((t) => t.parked)) continue;
          const held = record.tasks.put.filter((t) => t.parked).map((t) => t.type);
          for (const type of held) expect(record.env?.circuits?.[type]?.phase).not.toBe('closed');
        }
      }),
    );
  });
});
