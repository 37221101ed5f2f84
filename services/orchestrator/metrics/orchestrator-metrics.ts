// Prometheus metrics of the orchestrator: names follow Prometheus conventions, labels stay bounded (workflow,
// state, event, task type and partition come from definitions and configuration, never from ids).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { circuitGauges } from './circuit-gauges';
import { instanceGauges, type GaugeSource } from './instance-gauges';

/** Every outcome a consumed command can have; all are exported from the start so rates exist before the first. */
export const COMMAND_OUTCOMES = [
  'applied',
  'duplicate',
  'rejected',
  'deferred',
  'stashed',
  'ignored',
  'dlq',
] as const;

/** Task outcomes: `requested` when an attempt is published, the others when its result is applied. */
export type TaskMetricOutcome = 'requested' | 'succeeded' | 'retryable' | 'fatal';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DWELL_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600];

export class OrchestratorMetrics {
  readonly registry = new Registry();
  readonly transitions = new Counter({
    name: 'statewright_transitions_total',
    help: 'Transitions committed, by workflow, source and target state and event',
    labelNames: ['workflow', 'from', 'to', 'event'] as const,
    registers: [this.registry],
  });
  readonly finished = new Counter({
    name: 'statewright_instances_finished_total',
    help: 'Instances that reached a final state, by workflow and terminal status',
    labelNames: ['workflow', 'status'] as const,
    registers: [this.registry],
  });
  readonly dwellSeconds = new Histogram({
    name: 'statewright_state_dwell_seconds',
    help: 'Time an instance spent in a state, observed when a committed transition leaves it',
    labelNames: ['workflow', 'state'] as const,
    buckets: DWELL_BUCKETS,
    registers: [this.registry],
  });
  readonly commandOutcomes = new Counter({
    name: 'statewright_command_outcomes_total',
    help: 'Consumed commands by outcome (applied, duplicate, rejected, deferred, stashed, ignored, dlq)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly commandToCommitSeconds = new Histogram({
    name: 'statewright_command_commit_latency_seconds',
    help: 'From the command record timestamp to the commit of the transaction that consumed it',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly commitSeconds = new Histogram({
    name: 'statewright_transaction_commit_seconds',
    help: 'Duration of one batch transaction, from begin to commit',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly aborts = new Counter({
    name: 'statewright_transaction_aborts_total',
    help: 'Batch transactions that did not commit, by whether the producer was fenced',
    labelNames: ['fenced'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'statewright_batch_size',
    help: 'Commands per processed batch',
    buckets: [1, 5, 10, 50, 100, 500, 1000, 5000],
    registers: [this.registry],
  });
  readonly restoreSeconds = new Histogram({
    name: 'statewright_restore_duration_seconds',
    help: 'Time to restore a partition: fence, load snapshot, replay the transitions log',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly forwarded = new Counter({
    name: 'statewright_commands_forwarded_total',
    help: 'Commands consumed on a partition that does not own their key, forwarded to their owner partition',
    registers: [this.registry],
  });
  readonly timersPublished = new Counter({
    name: 'statewright_timers_published_total',
    help: 'timer-fired commands published to the commands topic',
    registers: [this.registry],
  });
  readonly snapshotWrites = new Counter({
    name: 'statewright_snapshot_writes_total',
    help: 'Snapshot writes to Redis by result (ok, stale, lost, error)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly tasks = new Counter({
    name: 'statewright_tasks_total',
    help: 'Task attempts requested and task results applied, by workflow, task type, outcome and attempt',
    labelNames: ['workflow', 'type', 'outcome', 'attempt'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const outcome of COMMAND_OUTCOMES) this.commandOutcomes.inc({ outcome }, 0);
    for (const fenced of ['true', 'false']) this.aborts.inc({ fenced }, 0);
    for (const result of ['ok', 'stale', 'lost', 'error']) this.snapshotWrites.inc({ result }, 0);
  }

  /** Registers the gauges read at scrape time from the partitions this process owns. */
  watch(source: GaugeSource): Gauge[] {
    return [...instanceGauges(this.registry, source), ...circuitGauges(this.registry, source)];
  }
}

/** The labels of `statewright_tasks_total` for one attempt of a task type. */
export const taskLabels = (workflow: string, type: string, outcome: TaskMetricOutcome, attempt: number) => ({
  workflow,
  type,
  outcome,
  attempt: attemptLabel(attempt),
});

/** Attempts beyond five share one label value so a runaway retry policy cannot grow the series count. */
export const attemptLabel = (attempt: number): string => (attempt > 5 ? '6+' : String(attempt));
