// Gauges of the circuits, computed when Prometheus scrapes the partitions this process owns: each task type's
// circuit phase and how long it has been in it, and the instances whose runs a circuit deferred, by reason.
import { Gauge, type Registry } from 'prom-client';
import { parkedTasks, type CircuitPhase } from '../../core';
import type { GaugeSource } from './instance-gauges';

const PHASES: readonly CircuitPhase[] = ['closed', 'open', 'half-open'];

type CircuitLabels = 'task_type' | 'partition';

export function circuitGauges(registry: Registry, source: GaugeSource): Gauge[] {
  return [circuitState(registry, source), circuitOpenSeconds(registry, source), deferred(registry, source)];
}

const circuitState = (registry: Registry, source: GaugeSource) =>
  new Gauge({
    name: 'statewright_circuit_state',
    help: 'Circuit of a task type on an owned partition: 1 for its current phase, 0 for the others',
    labelNames: ['task_type', 'partition', 'phase'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const view of source.partitions())
        for (const entry of Object.values(view.health())) {
          if (entry.circuit === null) continue;
          const labels = { task_type: entry.taskType, partition: String(view.partition) };
          for (const phase of PHASES) this.set({ ...labels, phase }, entry.circuit.phase === phase ? 1 : 0);
        }
    },
  });

const circuitOpenSeconds = (registry: Registry, source: GaugeSource) =>
  new Gauge<CircuitLabels>({
    name: 'statewright_circuit_open_seconds',
    help: 'How long the circuit of a task type has not been closed on an owned partition (0 while closed)',
    labelNames: ['task_type', 'partition'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const view of source.partitions())
        for (const entry of Object.values(view.health())) {
          if (entry.circuit === null) continue;
          const open = entry.circuit.phase === 'closed' ? 0 : (source.now() - entry.circuit.since) / 1000;
          this.set({ task_type: entry.taskType, partition: String(view.partition) }, Math.max(0, open));
        }
    },
  });

const deferred = (registry: Registry, source: GaugeSource) =>
  new Gauge({
    name: 'statewright_deferred_tasks',
    help: 'Task runs held back (not dispatched, attempt not used) by a circuit or waiting for capacity, by workflow, task type and reason',
    labelNames: ['workflow', 'task_type', 'reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const view of source.partitions())
        for (const instance of view.deferred())
          for (const task of parkedTasks(instance))
            this.inc({
              workflow: instance.workflow,
              task_type: task.type,
              reason: reasonOf(task.parked.reason),
            });
    },
  });

/** A bounded label: the phase that held the run, not the free text. */
const reasonOf = (text: string): string =>
  text.startsWith('capacity')
    ? 'capacity'
    : text.startsWith('rate')
      ? 'rate'
      : text.endsWith('half-open')
        ? 'circuit-half-open'
        : text.endsWith('open')
          ? 'circuit-open'
          : 'other';
