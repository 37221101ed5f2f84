// One task type's circuit breaker as data: closed → open after the rule's failures, open → half-open once its
// open time has passed (when a decision looks at it), half-open → closed after enough probe successes or back to
// open on a probe failure. An operator may hold it open or closed; the rule then waits.
import type { CircuitPhase, CircuitView } from '../environment';
import type { CircuitRule } from './circuit-rule';

export interface Circuit {
  readonly phase: CircuitPhase;
  /** When the phase began, epoch ms. */
  readonly since: number;
  /** Counts phase changes: a deferred task's resume command names the epoch it was issued in. */
  readonly epoch: number;
  /** The latest outcomes in the window, oldest first; true for a failure. */
  readonly outcomes: readonly boolean[];
  readonly consecutiveFailures: number;
  /** Half-open: probes that may still be dispatched. */
  readonly probesLeft: number;
  /** Half-open: probes that succeeded. */
  readonly probeSuccesses: number;
  /** An operator's hold; null lets the rule decide. */
  readonly forced: 'open' | 'closed' | null;
  /** Why the circuit is in its phase, for the records and the operator. */
  readonly why: string;
}

export const closedCircuit = (at: number): Circuit => ({
  phase: 'closed',
  since: at,
  epoch: 0,
  outcomes: [],
  consecutiveFailures: 0,
  probesLeft: 0,
  probeSuccesses: 0,
  forced: null,
  why: 'initial',
});

export const viewOf = (circuit: Circuit): CircuitView => ({
  phase: circuit.phase,
  probesLeft: circuit.probesLeft,
});

function enter(circuit: Circuit, phase: CircuitPhase, at: number, why: string, rule: CircuitRule): Circuit {
  return {
    ...circuit,
    phase,
    since: at,
    epoch: circuit.epoch + 1,
    outcomes: phase === 'closed' ? [] : circuit.outcomes,
    consecutiveFailures: phase === 'closed' ? 0 : circuit.consecutiveFailures,
    probesLeft: phase === 'half-open' ? rule.probes : 0,
    probeSuccesses: 0,
    why,
  };
}

/** The circuit after a task outcome of its type: the window moves and the rule may open or close it. */
export function observe(circuit: Circuit, rule: CircuitRule, failed: boolean, at: number): Circuit {
  if (circuit.phase === 'open') return circuit; // a late result of a run dispatched before it opened
  const outcomes = circuit.outcomes.concat(failed).slice(-rule.window);
  const consecutiveFailures = failed ? circuit.consecutiveFailures + 1 : 0;
  const next = { ...circuit, outcomes, consecutiveFailures };
  if (circuit.forced !== null) return next;
  if (circuit.phase === 'half-open') {
    if (failed) return enter(next, 'open', at, 'a probe failed', rule);
    const successes = circuit.probeSuccesses + 1;
    return successes >= rule.probes
      ? enter(next, 'closed', at, `${successes} probes succeeded`, rule)
      : { ...next, probeSuccesses: successes };
  }
  const why = tripped(rule, outcomes, consecutiveFailures);
  return why === null ? next : enter(next, 'open', at, why, rule);
}

function tripped(rule: CircuitRule, outcomes: readonly boolean[], consecutive: number): string | null {
  if (rule.consecutiveFailures > 0 && consecutive >= rule.consecutiveFailures) {
    return `${consecutive} consecutive failures`;
  }
  const failures = outcomes.filter(Boolean).length;
  if (outcomes.length >= rule.minCalls && failures / outcomes.length >= rule.failureRate) {
    return `${failures} of the last ${outcomes.length} runs failed`;
  }
  return null;
}

/**
 * Opened by evidence from outside the partition's own outcomes (another partition's outcomes, no live worker):
 * a closed or half-open circuit opens; an open or held one stays as it is.
 */
export function trip(circuit: Circuit, rule: CircuitRule, at: number, why: string): Circuit {
  if (circuit.phase === 'open' || circuit.forced !== null) return circuit;
  return enter(circuit, 'open', at, why, rule);
}

/**
 * An open circuit whose open time has passed lets probes through from `at` on, unless no worker of its type is
 * alive (`fleetDown`): a probe then could only wait for a worker.
 */
export function advance(circuit: Circuit, rule: CircuitRule, at: number, fleetDown = false): Circuit {
  if (circuit.phase !== 'open' || circuit.forced !== null || fleetDown) return circuit;
  if (at - circuit.since < rule.openMs) return circuit;
  return enter(circuit, 'half-open', at, `open for ${rule.openMs} ms: probing`, rule);
}

/** Half-open: `count` probes were dispatched. */
export function dispatched(circuit: Circuit, count: number): Circuit {
  if (circuit.phase !== 'half-open' || count === 0) return circuit;
  return { ...circuit, probesLeft: Math.max(0, circuit.probesLeft - count) };
}

/** An operator holds the circuit open or closed, or (null) hands it back to the rule, closed. */
export function force(
  circuit: Circuit,
  rule: CircuitRule,
  hold: 'open' | 'closed' | null,
  at: number,
  actor: string,
): Circuit {
  const phase = hold ?? 'closed';
  const why = hold === null ? `released by ${actor}` : `held ${hold} by ${actor}`;
  const moved = circuit.phase === phase ? { ...circuit, why } : enter(circuit, phase, at, why, rule);
  return { ...moved, forced: hold };
}
