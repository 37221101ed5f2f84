// Prometheus metrics of a worker process: tasks handled by type and outcome, handler durations, handlers in
// flight, and results answered from the result cache instead of a new run. Labels are task types and outcomes.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What became of a delivered task: the result's kind, or `interrupted` when no result was reported. */
export const WORKER_TASK_OUTCOMES = ['succeeded', 'retryable', 'fatal', 'async', 'interrupted'] as const;
export type WorkerTaskOutcome = (typeof WORKER_TASK_OUTCOMES)[number];

const HANDLER_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class WorkerMetrics {
  readonly registry = new Registry();
  readonly tasks = new Counter({
    name: 'statewright_worker_tasks_total',
    help: 'Delivered tasks handled, by task type and outcome (succeeded, retryable, fatal, async, interrupted)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly handlerSeconds = new Histogram({
    name: 'statewright_worker_handler_duration_seconds',
    help: 'Time a task handler ran, by task type and result kind; replayed results are not observed',
    labelNames: ['type', 'outcome'] as const,
    buckets: HANDLER_BUCKETS,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'statewright_worker_tasks_in_flight',
    help: 'Tasks holding a handler slot (running or publishing their result), by task type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly replays = new Counter({
    name: 'statewright_worker_result_replays_total',
    help: 'Deliveries answered with a result already kept for the task id (a redelivery) instead of a new run',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  /** `types`: the task types this worker handles, exported at zero before their first task. */
  constructor(types: readonly string[] = []) {
    collectDefaultMetrics({ register: this.registry });
    for (const type of types) {
      this.inFlight.set({ type }, 0);
      this.replays.inc({ type }, 0);
      for (const outcome of WORKER_TASK_OUTCOMES) this.tasks.inc({ type, outcome }, 0);
    }
  }
}
