// Invariants of decide/evolve over random command sequences, for the order saga and for random definitions.
import fc from 'fast-check';
import {
  createRegistry,
  evolve,
  REASON_CODES,
  type Instance,
  type JsonValue,
  type LogRecord,
  type Registry,
  type Transition,
} from '../index';
import {
  moveArb,
  play,
  definitionArb,
  randomShape,
  type Played,
  type ScenarioShape,
  type Sent,
} from '../../../test/unit/core/scenario';
import { orderSaga } from '../../../examples/order-saga/definition';
import { order } from '../../../test/unit/core/driver';
import { decideRaw } from '../../../test/harness/decide-raw';

const RUNS = Number(process.env.PROP_RUNS ?? 150);
const sagaRegistry = createRegistry([orderSaga({ shippingTimeoutMs: 20_000 })]);
const sagaShape: ScenarioShape = {
  workflow: 'order-saga',
  events: ['address-changed', 'customer-note', 'fraud-detected', 'priority-requested', 'unknown-event'],
  start: order,
  payload: (event, v): JsonValue => {
    if (v < 0) return { wrong: true };
    if (event === 'address-changed') return { address: `street ${v}` };
    if (event === 'customer-note') return { note: `n${v}` };
    if (event === 'fraud-detected') return { score: v / 9 };
    return {};
  },
};

const movesArb = fc.array(moveArb, { minLength: 1, maxLength: 30 });
const json = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));
const records = (played: Played): LogRecord[] => played.steps.flatMap((s) => [...s.records]);

function replayPlayed(registry: Registry, sent: readonly Sent[]): Played {
  const played: Played = { sent: [], steps: [], instances: [] };
  let instance: Instance | undefined;
  for (const s of sent) {
    const step = decideRaw(registry, instance, s.command, s.now, s.env);
    played.sent.push(s);
    played.steps.push(step);
    played.instances.push(step.instance);
    instance = step.instance;
  }
  return played;
}

/** Runs each property against the order saga and against random definitions. */
function forBoth(check: (registry: Registry, shape: ScenarioShape, played: Played) => void): void {
  fc.assert(
    fc.property(movesArb, (moves) => check(sagaRegistry, sagaShape, play(sagaRegistry, sagaShape, moves))),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(definitionArb, movesArb, (definition, moves) => {
      const registry = createRegistry([definition]);
      check(registry, randomShape, play(registry, randomShape, moves));
    }),
    { numRuns: RUNS },
  );
}

describe('decide and evolve invariants', () => {
  test('duplicates of any commands inserted anywhere change no record and no final state', () => {
    const withDuplicates = (
      registry: Registry,
      shape: ScenarioShape,
      moves: Parameters<typeof play>[2],
      picks: [number, number][],
    ) => {
      const original = play(registry, shape, moves);
      const sent = original.sent.slice();
      for (const [at, of] of picks) {
        const position = 1 + (at % sent.length);
        const source = sent[of % position] as Sent;
        const previous = sent[position - 1] as Sent;
        sent.splice(position, 0, { ...source, now: previous.now });
      }
      // A reused command id with another signature is recorded on every attempt (audit) but never remembered,
      // so a copy of such a command adds one more conflict rejection and nothing else.
      const duplicated = replayPlayed(registry, sent);
      const lasting = (p: Played) =>
        json(records(p).filter((r) => r.kind !== 'rejection' || r.reason.code !== 'conflict'));
      const settled = (p: Played) => ({ ...json(p.instances.at(-1)), updatedAt: 0 });
      expect(lasting(duplicated)).toEqual(lasting(original));
      expect(settled(duplicated)).toEqual(settled(original));
    };
    const picksArb = fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(movesArb, picksArb, (moves, picks) =>
        withDuplicates(sagaRegistry, sagaShape, moves, picks),
      ),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(definitionArb, movesArb, picksArb, (definition, moves, picks) =>
        withDuplicates(createRegistry([definition]), randomShape, moves, picks),
      ),
      { numRuns: RUNS },
    );
  });

  test('folding the records with evolve reproduces the live instance for every prefix, also after a JSON round trip', () => {
    forBoth((registry, _shape, played) => {
      let folded: Instance | undefined;
      let restored: Instance | undefined;
      played.steps.forEach((step, i) => {
        folded = step.records.reduce(evolve, folded);
        restored = json(step.records).reduce(evolve, restored === undefined ? undefined : json(restored));
        const live = played.instances[i];
        expect(folded).toEqual(live);
        expect(json(restored)).toEqual(json(live));
        const sent = played.sent[i] as Sent;
        const again = decideRaw(registry, json(played.instances[i - 1]), sent.command, sent.now, sent.env);
        expect(json(again)).toEqual(json(step));
      });
    });
  });

  test('seq is contiguous from 1 and every applied command has exactly one transition', () => {
    forBoth((_registry, _shape, played) => {
      const transitions = records(played).filter((r): r is Transition => r.kind === 'transition');
      expect(transitions.map((t) => t.seq)).toEqual(transitions.map((_, i) => i + 1));
      const ids = transitions.map((t) => t.commandId);
      expect(new Set(ids).size).toBe(ids.length);
      played.steps.forEach((step, i) => {
        if (step.decision.kind !== 'applied') {
          expect(step.records.filter((r) => r.kind === 'transition')).toEqual([]);
          return;
        }
        const own = (played.sent[i]?.command as { commandId: string }).commandId;
        const [first, ...released] = step.decision.transitions;
        expect(first?.commandId === own || first?.causation === own).toBe(true);
        for (const t of released) expect(t.causation).toBe(own);
      });
    });
  });

  test('stashed events are applied once, when a later state accepts them, in arrival order', () => {
    forBoth((registry, _shape, played) => {
      const stashed: string[] = records(played)
        .filter((r) => r.kind === 'stashed')
        .map((r) => r.commandId);
      const resolutions = records(played).filter(
        (r) => r.kind !== 'stashed' && stashed.includes(r.commandId),
      );
      const released = resolutions.filter((r) => r.causation !== null && !r.causation.startsWith('timer:'));
      const transitions = released.filter((r) => r.kind === 'transition');
      expect(new Set(transitions.map((r) => r.commandId)).size).toBe(transitions.length);
      const byEvent = new Map<string, string[]>();
      for (const r of released) {
        const event = (r as Transition).event ?? '';
        byEvent.set(event, [...(byEvent.get(event) ?? []), r.commandId]);
      }
      for (const ids of byEvent.values()) {
        const arrival = stashed.filter((id) => ids.includes(id));
        expect(ids.filter((r) => arrival.includes(r))).toEqual(ids);
      }
      for (const instance of played.instances) {
        if (instance === undefined || instance.status !== 'running') continue;
        const definition = registry.get(instance.workflow, instance.version);
        const handlers = definition?.states.get(instance.state)?.on;
        expect(instance.stash.filter((s) => handlers?.has(s.command.event))).toEqual([]);
      }
    });
  });

  test('decide is deterministic and never throws on any command shape', () => {
    const instances = play(sagaRegistry, sagaShape, [
      { k: 'succeed', pick: 0 },
      { k: 'succeed', pick: 1 },
    ]).instances;
    const shapeArb = fc.oneof(
      fc.anything(),
      fc.record(
        {
          commandId: fc.oneof(fc.string(), fc.anything()),
          correlationId: fc.constantFrom('p-1', 'other', ''),
          workflow: fc.constantFrom('order-saga', 'nope'),
          actor: fc.string(),
          timestamp: fc.oneof(fc.integer(), fc.double()),
          type: fc.constantFrom('start', 'signal', 'cancel', 'task-result', 'timer-fired', 'admin', 'x'),
          event: fc.constantFrom('address-changed', 'constructor', '__proto__', 'toString'),
          payload: fc.anything(),
          input: fc.anything(),
          taskId: fc.string(),
          runId: fc.string(),
          timerId: fc.string(),
          outcome: fc.anything(),
          expectedSeq: fc.anything(),
          sourceSeq: fc.anything(),
          action: fc.constant('migrate'),
          targetVersion: fc.integer(),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(
        shapeArb,
        fc.constantFrom(...instances, undefined),
        fc.integer(),
        (command, instance, now) => {
          const first = decideRaw(sagaRegistry, instance, command, now, { taskHealth: {}, inFlight: {} });
          const second = decideRaw(sagaRegistry, instance, command, now, { taskHealth: {}, inFlight: {} });
          expect(JSON.stringify(first)).toBe(JSON.stringify(second));
          if (first.decision.kind === 'rejected') expect(REASON_CODES).toContain(first.decision.reason.code);
        },
      ),
      { numRuns: 500 },
    );
  });
});
