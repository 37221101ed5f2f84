// The environment a guard may consult: a snapshot supplied by the orchestrator and recorded with the decision.

export type Health = 'up' | 'degraded' | 'down';

export interface Environment {
  /** Health of each task type, as the orchestrator last observed it. */
  readonly taskHealth: Readonly<Record<string, Health>>;
  /** Tasks in flight per task type. */
  readonly inFlight: Readonly<Record<string, number>>;
}

export const EMPTY_ENVIRONMENT: Environment = { taskHealth: {}, inFlight: {} };
