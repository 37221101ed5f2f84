// Gauges computed when Prometheus scrapes, from the partitions this process owns: active instances, how long the
// oldest instance has been in each state, pending timers, snapshot lag and consumer lag.
import { Gauge, type Registry } from 'prom-client';
import type { Instance, InstanceOutline, PartitionHealth } from '../../core';

export interface PartitionView {
  readonly partition: number;
  /** Every instance, as far as it was read. */
  instances(): Iterable<InstanceOutline>;
  /** Epoch ms at which the instance entered its current state. */
  enteredAt(instance: InstanceOutline): number;
  /** Transitions records committed but not yet reflected in the Redis snapshot. */
  snapshotLag(): number;
  /** The partition's committed health: circuits per task type. */
  health(): PartitionHealth;
  /** Instances with a run a circuit deferred. */
  deferred(): Iterable<Instance>;
}

export interface GaugeSource {
  /** Workflow → its non-final states: every pair is exported, at 0 when no instance is there. */
  readonly states: ReadonlyMap<string, readonly string[]>;
  partitions(): Iterable<PartitionView>;
  /** Records of each owned commands partition not yet consumed and committed. */
  consumerLag(): Promise<ReadonlyMap<number, number>>;
  now(): number;
}

export const TIMER_KINDS = ['timeout', 'retry', 'deferral'] as const;

type StateLabels = 'workflow' | 'state';
type GaugeFactory = (registry: Registry, source: GaugeSource) => Gauge;

export function instanceGauges(registry: Registry, source: GaugeSource): Gauge[] {
  const factories: GaugeFactory[] = [activeInstances, oldestAges, pendingTimers, snapshotLag, consumerLag];
  return factories.map((make) => make(registry, source));
}

function* running(source: GaugeSource): Generator<InstanceOutline> {
  for (const view of source.partitions())
    for (const instance of view.instances()) if (instance.status === 'running') yield instance;
}

const activeInstances: GaugeFactory = (registry, source) =>
  new Gauge({
    name: 'statewright_active_instances',
    help: 'Running instances by workflow and current state',
    labelNames: ['workflow', 'state'] as const,
    registers: [registry],
    collect() {
      zeroStates(this, source.states);
      for (const instance of running(source))
        this.inc({ workflow: instance.workflow, state: instance.state });
    },
  });

const oldestAges: GaugeFactory = (registry, source) =>
  new Gauge({
    name: 'statewright_state_oldest_age_seconds',
    help: 'How long the longest-waiting running instance has been in its state, by workflow and state',
    labelNames: ['workflow', 'state'] as const,
    registers: [registry],
    collect() {
      zeroStates(this, source.states);
      for (const { workflow, state, since } of oldestEntries(source))
        this.set({ workflow, state }, Math.max(0, (source.now() - since) / 1000));
    },
  });

const pendingTimers: GaugeFactory = (registry, source) =>
  new Gauge({
    name: 'statewright_timers_pending',
    help: 'Durable timers of running instances not yet fired, by workflow and timer kind',
    labelNames: ['workflow', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const workflow of source.states.keys())
        for (const kind of TIMER_KINDS) this.set({ workflow, kind }, 0);
      for (const instance of running(source))
        for (const timer of instance.timers) this.inc({ workflow: instance.workflow, kind: timer.kind });
    },
  });

const snapshotLag: GaugeFactory = (registry, source) =>
  new Gauge({
    name: 'statewright_snapshot_lag_records',
    help: 'Transitions records committed but not yet in the Redis snapshot, by owned partition',
    labelNames: ['partition'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const view of source.partitions())
        this.set({ partition: String(view.partition) }, view.snapshotLag());
    },
  });

const consumerLag: GaugeFactory = (registry, source) =>
  new Gauge({
    name: 'statewright_consumer_lag_records',
    help: 'Commands not yet consumed and committed, by owned partition of the commands topic',
    labelNames: ['partition'] as const,
    registers: [registry],
    async collect() {
      const lag = await source.consumerLag();
      this.reset();
      for (const [partition, records] of lag) this.set({ partition: String(partition) }, records);
    },
  });

function zeroStates(gauge: Gauge<StateLabels>, states: GaugeSource['states']): void {
  gauge.reset();
  for (const [workflow, names] of states) for (const state of names) gauge.set({ workflow, state }, 0);
}

/** Per workflow and state, the earliest entry time among its running instances. */
function oldestEntries(source: GaugeSource): { workflow: string; state: string; since: number }[] {
  const oldest = new Map<string, { workflow: string; state: string; since: number }>();
  for (const view of source.partitions()) {
    for (const instance of view.instances()) {
      if (instance.status !== 'running') continue;
      const key = `${instance.workflow}\u0000${instance.state}`;
      const since = view.enteredAt(instance);
      const known = oldest.get(key);
      if (known === undefined || since < known.since)
        oldest.set(key, { workflow: instance.workflow, state: instance.state, since });
    }
  }
  return [...oldest.values()];
}
