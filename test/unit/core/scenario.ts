// Random scenarios for property tests: abstract moves interpreted against the live instance into concrete commands.
import fc from 'fast-check';
import {
  dueTimers,
  setup,
  type Environment,
  type Instance,
  type JsonValue,
  type Registry,
  type Step,
  type TaskRequest,
  type WorkflowDefinition,
} from '../../../services/core';
import { z } from 'zod';
import { decideRaw } from '../../harness/decide-raw';

export type Move =
  | { readonly k: 'signal'; readonly event: number; readonly v: number; readonly seqMode: number }
  | { readonly k: 'succeed' | 'retryable' | 'fatal'; readonly pick: number }
  | { readonly k: 'advance'; readonly ms: number }
  | { readonly k: 'cancel' }
  | { readonly k: 'env'; readonly down: boolean }
  | { readonly k: 'garbage'; readonly value: unknown };

export const moveArb: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('signal' as const),
      event: fc.nat(5),
      v: fc.integer({ min: -1, max: 9 }),
      seqMode: fc.nat(5),
    }),
  },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('succeed' as const), pick: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('retryable' as const), pick: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('fatal' as const), pick: fc.nat(7) }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'cancel' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('env' as const), down: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('garbage' as const), value: fc.anything() }) },
);

export interface Sent {
  readonly command: unknown;
  readonly now: number;
  readonly env: Environment;
}

export interface Played {
  readonly sent: Sent[];
  readonly steps: Step[];
  /** The instance after each step. */
  readonly instances: (Instance | undefined)[];
}

export interface ScenarioShape {
  readonly workflow: string;
  readonly events: readonly string[];
  readonly start: JsonValue;
  readonly payload: (event: string, v: number) => JsonValue;
}

const T0 = 1_700_000_000_000;

/** Plays the moves, turning each into concrete commands against the current instance; returns what was sent. */
export function play(registry: Registry, shape: ScenarioShape, moves: readonly Move[]): Played {
  const played: Played = { sent: [], steps: [], instances: [] };
  let instance: Instance | undefined;
  let now = T0;
  let env: Environment = { taskHealth: {}, inFlight: {} };
  let counter = 0;
  const requests: TaskRequest[] = [];
  const send = (command: unknown) => {
    const step = decideRaw(registry, instance, command, now, env);
    played.sent.push({ command, now, env });
    played.steps.push(step);
    played.instances.push(step.instance);
    requests.push(...step.tasks);
    instance = step.instance;
  };
  const envelope = (extra: Record<string, unknown> = {}) => ({
    commandId: `c${++counter}`,
    correlationId: 'p-1',
    workflow: shape.workflow,
    actor: 'prop',
    timestamp: now,
    ...extra,
  });
  send({ ...envelope(), type: 'start', input: shape.start });
  for (const move of moves) {
    now += 1;
    switch (move.k) {
      case 'signal': {
        const event = shape.events[move.event % shape.events.length] as string;
        send({
          ...envelope(seqFields(move.seqMode, instance, counter)),
          type: 'signal',
          event,
          payload: shape.payload(event, move.v),
        });
        break;
      }
      case 'succeed':
      case 'retryable':
      case 'fatal':
        send(result(move.k, move.pick, instance, requests, envelope));
        break;
      case 'advance':
        now += move.ms;
        if (instance) for (const command of dueTimers(instance, now)) send(command);
        break;
      case 'cancel':
        send({ ...envelope(), type: 'cancel', reason: 'prop' });
        break;
      case 'env':
        env = move.down
          ? { taskHealth: { 'ship-order': 'down', t0: 'down' }, inFlight: { t0: 2 } }
          : { taskHealth: {}, inFlight: {} };
        break;
      case 'garbage':
        send(move.value);
        break;
    }
  }
  return played;
}

function seqFields(mode: number, instance: Instance | undefined, counter: number): Record<string, unknown> {
  if (mode === 1) return { expectedSeq: instance?.seq ?? 0 };
  if (mode === 2) return { expectedSeq: (instance?.seq ?? 0) + 3 };
  if (mode === 3) return { sourceSeq: counter % 7 };
  return {};
}

function result(
  kind: 'succeed' | 'retryable' | 'fatal',
  pick: number,
  instance: Instance | undefined,
  requests: readonly TaskRequest[],
  envelope: (extra?: Record<string, unknown>) => Record<string, unknown>,
): unknown {
  const open = instance?.openTasks.filter((t) => !t.waiting) ?? [];
  const task = open.length > 0 ? open[pick % open.length] : requests[pick % Math.max(1, requests.length)];
  if (task === undefined) return { ...envelope(), type: 'cancel', reason: 'nothing to report' };
  const outcome =
    kind === 'succeed'
      ? { kind: 'succeeded', output: { reservationId: `r${pick}`, authorizationId: `a${pick}`, n: pick } }
      : { kind, error: { message: `${kind} ${pick}`, code: null } };
  return {
    ...envelope({ commandId: task.runId }),
    type: 'task-result',
    taskId: task.taskId,
    runId: task.runId,
    outcome,
  };
}

/** A random definition: a handful of states with handlers, invokes, timeouts, compensation and finals. */
export const definitionArb: fc.Arbitrary<WorkflowDefinition> = fc
  .record({
    states: fc.integer({ min: 2, max: 5 }),
    handlers: fc.array(
      fc.record({
        state: fc.nat(4),
        event: fc.nat(2),
        target: fc.option(fc.nat(6)),
        guard: fc.nat(3),
        task: fc.option(fc.nat(2)),
      }),
      { maxLength: 10 },
    ),
    invokes: fc.array(
      fc.record({
        state: fc.nat(4),
        tasks: fc.array(fc.nat(2), { minLength: 1, maxLength: 2 }),
        any: fc.boolean(),
        done: fc.nat(6),
        error: fc.nat(6),
      }),
      { maxLength: 4 },
    ),
    afters: fc.array(
      fc.record({ state: fc.nat(4), ms: fc.integer({ min: 1, max: 30_000 }), target: fc.nat(6) }),
      { maxLength: 3 },
    ),
    policies: fc.array(fc.constantFrom('reject' as const, 'stash' as const, 'ignore' as const), {
      minLength: 3,
      maxLength: 3,
    }),
    compensations: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    maxAttempts: fc.integer({ min: 1, max: 3 }),
    cancellable: fc.boolean(),
  })
  .map(buildRandomDefinition);

type Spec = {
  states: number;
  handlers: { state: number; event: number; target: number | null; guard: number; task: number | null }[];
  invokes: { state: number; tasks: number[]; any: boolean; done: number; error: number }[];
  afters: { state: number; ms: number; target: number }[];
  policies: ('reject' | 'stash' | 'ignore')[];
  compensations: boolean[];
  maxAttempts: number;
  cancellable: boolean;
};

type Ctx = { count: number; seen: number[] };

const GUARDS = [
  null,
  (_c: Ctx, p: { v: number }) => p.v % 3 !== 0,
  (_c: Ctx, p: { v: number }, env: Environment) =>
    env.taskHealth['t0'] === 'down' ? { kind: 'defer' as const, ms: 1_000 } : true,
  (c: Ctx, p: { v: number }) => (p.v === 9 ? { kind: 'cancel' as const, reason: 'nine' } : c.count < 50),
];

function buildRandomDefinition(spec: Spec): WorkflowDefinition {
  const running = Array.from({ length: spec.states }, (_, i) => `s${i}`);
  const all = [...running, 'undo', 'done', 'failed'];
  const name = (i: number) => all[i % all.length] as string;
  const states: Record<string, Record<string, unknown>> = Object.fromEntries(
    running.map((s) => [s, { on: {} }]),
  );
  states['undo'] = { compensate: { onDone: 'done', onError: 'failed' } };
  states['done'] = { final: 'completed' };
  states['failed'] = { final: 'failed' };
  for (const h of spec.handlers) {
    const node = states[running[h.state % running.length] as string] as { on: Record<string, unknown> };
    node.on[`e${h.event}`] = {
      target: h.target === null ? undefined : name(h.target),
      guard: GUARDS[h.guard] ?? undefined,
      update: (c: Ctx, p: { v: number }) => ({ count: c.count + 1, seen: [...c.seen, p.v] }),
      tasks: h.task === null ? undefined : [{ task: `t${h.task}` }],
    };
  }
  for (const inv of spec.invokes) {
    const node = states[running[inv.state % running.length] as string] as Record<string, unknown>;
    node['invoke'] = {
      tasks: inv.tasks.map((t) => ({ task: `t${t}` })),
      join: inv.any ? 'any' : 'all',
      onDone: name(inv.done),
      onError: name(inv.error),
    };
  }
  for (const a of spec.afters) {
    const node = states[running[a.state % running.length] as string] as Record<string, unknown>;
    node['after'] = { ms: a.ms, target: name(a.target) };
  }
  const tasks = Object.fromEntries(
    [0, 1, 2].map((i) => [
      `t${i}`,
      {
        retry: { maxAttempts: spec.maxAttempts },
        compensation: spec.compensations[i] ? { task: `t${(i + 1) % 3}` } : undefined,
      },
    ]),
  );
  const payload = z.object({ v: z.number().int().min(0) });
  return setup({
    types: {} as { context: Ctx },
    input: z.object({}),
    events: { e0: payload, e1: payload, e2: payload },
    tasks: tasks as never,
  }).define({
    name: 'random',
    version: 1,
    initial: 's0',
    context: () => ({ count: 0, seen: [] }),
    states: states as never,
    cancel: spec.cancellable ? 'undo' : undefined,
    unaccepted: { e0: spec.policies[0], e1: spec.policies[1], e2: spec.policies[2] },
  } as never);
}

export const randomShape: ScenarioShape = {
  workflow: 'random',
  events: ['e0', 'e1', 'e2', 'e3'],
  start: {},
  payload: (_event, v) => (v < 0 ? { v: 'bad' } : { v }),
};
