// The environment a guard may consult: a snapshot of the partition's health state, taken where the decision is
// made and recorded with it, so a replay reads what the live decision saw.

export type Health = 'up' | 'degraded' | 'down';

export type CircuitPhase = 'closed' | 'open' | 'half-open';

/** What a decision sees of one task type's circuit: its phase and, half-open, how many probes may still go. */
export interface CircuitView {
  readonly phase: CircuitPhase;
  readonly probesLeft: number;
}

/** What a partition may still start of a task type with a fleet-wide in-flight limit. */
export interface FlowView {
  /** Runs this partition may dispatch now: its share of the limit minus its runs in flight; null: no limit. */
  readonly free: number | null;
  /** Runs of the type waiting for capacity on this partition: new ones queue behind them. */
  readonly queued: number;
  /** Under a rate limit every run waits and is resumed at the partition's pace; absent: false. */
  readonly paced?: boolean;
}

export interface Environment {
  /** Health of each task type, as the partition last recorded it (worker heartbeats, operators). */
  readonly taskHealth: Readonly<Record<string, Health>>;
  /** Tasks in flight per task type across the fleet, as the partition last recorded it. */
  readonly inFlight: Readonly<Record<string, number>>;
  /** Circuit of each task type that has one; absent in records made before circuits existed. */
  readonly circuits?: Readonly<Record<string, CircuitView>>;
  /** Flow control of each task type that has an in-flight limit; absent in records made before it existed. */
  readonly flow?: Readonly<Record<string, FlowView>>;
}

export const EMPTY_ENVIRONMENT: Environment = { taskHealth: {}, inFlight: {} };
