// The committed state of one partition: its instances, the transitions offset they reflect, and an index of
// instances with pending timers so the timer tick does not scan every instance.
// Instances restored from the snapshot may be held as stored (their outline read, the rest not yet): each is
// decoded the first time it is asked for, and stays decoded.
import {
  evolve,
  foldHealth,
  hasParkedTask,
  nextDue,
  taskLoadOf,
  type HealthRecord,
  type Instance,
  type InstanceOutline,
  type LogRecord,
  type PartitionHealth,
} from '../../core';
import { StoredInstance } from '../../platform/redis/snapshot-record';
import { DueIndex } from '../timer/due-index';
import { StateClock } from './state-clock';

type Held = Instance | StoredInstance;

export class PartitionState {
  private readonly due = new DueIndex();
  /** Finished instances and when they finished (their last update). */
  private readonly finished = new Map<string, number>();
  /** Instances with a task its circuit deferred. */
  private readonly parked = new Set<string>();
  /** Runs per task type: dispatched and not finished, and deferred. */
  readonly running = new Map<string, number>();
  readonly queued = new Map<string, number>();
  /** When each instance entered its state; the processor advances it with the transitions it commits. */
  readonly clock = new StateClock();

  constructor(
    private readonly instances: Map<string, Held>,
    /** Offset of the last transitions record folded in; null when none was. */
    private offset: number | null,
    /** The partition's health state (circuits, fleet health per task type), folded from the same log. */
    private healthState: PartitionHealth,
  ) {
    for (const instance of instances.values()) {
      this.count(instance, 1);
      this.index(instance);
    }
  }

  get health(): PartitionHealth {
    return this.healthState;
  }

  get size(): number {
    return this.instances.size;
  }

  ids(): IterableIterator<string> {
    return this.instances.keys();
  }

  /** Every instance as far as it was read: enough to count and report it without decoding a stored one. */
  outlines(): IterableIterator<InstanceOutline> {
    return this.instances.values();
  }

  /** The snapshot record of an instance still held as stored: unchanged since it was read, so written as it is. */
  storedRecord(correlationId: string): string | undefined {
    const held = this.instances.get(correlationId);
    return held instanceof StoredInstance ? held.record : undefined;
  }

  /** Instances with a deferred task, for the resumes. */
  deferred(): Instance[] {
    const found: Instance[] = [];
    for (const id of this.parked) {
      const instance = this.get(id);
      if (instance !== undefined) found.push(instance);
    }
    return found;
  }

  get lastOffset(): number | null {
    return this.offset;
  }

  /** Throws StoredInstanceError when a stored instance cannot be decoded. */
  get(correlationId: string): Instance | undefined {
    const held = this.instances.get(correlationId);
    if (!(held instanceof StoredInstance)) return held;
    const instance = held.open();
    this.instances.set(correlationId, instance);
    return instance;
  }

  /** Replay: folds one record read from the transitions partition at `offset`. */
  fold(record: LogRecord | HealthRecord, offset: number): void {
    this.offset = offset;
    if (record.kind === 'health') {
      this.healthState = foldHealth(this.healthState, record);
      return;
    }
    const next = evolve(this.get(record.correlationId), record);
    if (next === undefined) this.forget(record.correlationId);
    else this.put(next);
    this.clock.fold(record);
  }

  /** After a commit: the batch's instances become the committed ones; undefined means purged. */
  commit(
    changes: ReadonlyMap<string, Instance | undefined>,
    lastOffset: number | null,
    health: PartitionHealth = this.healthState,
  ): void {
    this.healthState = health;
    for (const [correlationId, instance] of changes) {
      if (instance === undefined) this.forget(correlationId);
      else this.put(instance);
    }
    if (lastOffset !== null) this.offset = lastOffset;
  }

  /** Instances with at least one timer due at `now`. */
  dueAt(now: number): Instance[] {
    const found: Instance[] = [];
    for (const correlationId of this.due.dueAt(now)) {
      const instance = this.get(correlationId);
      if (instance !== undefined) found.push(instance);
    }
    return found;
  }

  /** Finished instances whose retention (null: keep) has passed at `now`. */
  expired(now: number, retentionOf: (workflow: string) => number | null): Instance[] {
    const found: Instance[] = [];
    for (const [correlationId, finishedAt] of this.finished) {
      const outline = this.instances.get(correlationId);
      if (outline === undefined) continue;
      const keep = retentionOf(outline.workflow);
      if (keep === null || finishedAt + keep > now) continue;
      const instance = this.get(correlationId);
      if (instance !== undefined) found.push(instance);
    }
    return found;
  }

  private forget(correlationId: string): void {
    this.count(this.instances.get(correlationId), -1);
    this.instances.delete(correlationId);
    this.due.delete(correlationId);
    this.finished.delete(correlationId);
    this.parked.delete(correlationId);
  }

  private put(instance: Instance): void {
    this.count(this.instances.get(instance.correlationId), -1);
    this.count(instance, 1);
    this.instances.set(instance.correlationId, instance);
    this.index(instance);
  }

  private count(instance: Held | undefined, sign: number): void {
    const load = taskLoadOf(instance);
    for (const [type, n] of load.running) this.running.set(type, (this.running.get(type) ?? 0) + sign * n);
    for (const [type, n] of load.queued) this.queued.set(type, (this.queued.get(type) ?? 0) + sign * n);
  }

  private index(instance: Held): void {
    const dueAt = nextDue(instance);
    if (dueAt === null) this.due.delete(instance.correlationId);
    else this.due.set(instance.correlationId, dueAt);
    if (hasParkedTask(instance)) this.parked.add(instance.correlationId);
    else this.parked.delete(instance.correlationId);
    if (instance.status === 'running') this.finished.delete(instance.correlationId);
    else this.finished.set(instance.correlationId, instance.updatedAt);
  }
}
