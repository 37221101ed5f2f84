// When a task type's circuit opens and how it recovers: a count-based sliding window of the partition's task
// outcomes, a consecutive-failure limit, the time it stays open and the probes it lets through half-open.
import { z } from 'zod';

export interface CircuitRule {
  /** How many of the latest outcomes the failure rate is taken over. */
  readonly window: number;
  /** Opens when at least `minCalls` outcomes are in the window and this share of them failed (0..1]. */
  readonly failureRate: number;
  readonly minCalls: number;
  /** Opens after this many failures in a row; 0 turns the rule off. */
  readonly consecutiveFailures: number;
  /** How long an open circuit waits before it lets probes through. */
  readonly openMs: number;
  /** Probes let through half-open; that many successes close the circuit, one failure opens it again. */
  readonly probes: number;
  /** Deferred instances resumed per second once the circuit is closed again, oldest first. */
  readonly resumePerSecond: number;
}

export const DEFAULT_CIRCUIT_RULE: CircuitRule = {
  window: 20,
  failureRate: 0.5,
  minCalls: 10,
  consecutiveFailures: 5,
  openMs: 30_000,
  probes: 1,
  resumePerSecond: 50,
};

export const circuitRuleSchema = z
  .object({
    window: z.number().int().min(1).max(1000),
    failureRate: z.number().gt(0).max(1),
    minCalls: z.number().int().min(1).max(1000),
    consecutiveFailures: z.number().int().min(0).max(1000),
    openMs: z.number().int().min(0),
    probes: z.number().int().min(1).max(1000),
    resumePerSecond: z.number().int().min(1).max(100_000),
  })
  .strict();
