// Prometheus metrics of the partition processor: names follow Prometheus conventions, labels stay bounded.
import { Counter, Histogram, Registry } from 'prom-client';

export class OrchestratorMetrics {
  readonly registry = new Registry();
  readonly transitions = new Counter({
    name: 'statewright_transitions_total',
    help: 'Transitions committed, by workflow, source and target state and event',
    labelNames: ['workflow', 'from', 'to', 'event'] as const,
    registers: [this.registry],
  });
  readonly commandOutcomes = new Counter({
    name: 'statewright_command_outcomes_total',
    help: 'Consumed commands by outcome (applied, duplicate, rejected, deferred, stashed, ignored, dlq)',
    labelNames: ['outcome'] as const,
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
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly timersPublished = new Counter({
    name: 'statewright_timers_published_total',
    help: 'timer-fired commands published to the commands topic',
    registers: [this.registry],
  });
  readonly snapshotWrites = new Counter({
    name: 'statewright_snapshot_writes_total',
    help: 'Snapshot writes to Redis by result (ok, stale, error)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
}
