// The decision over one batch of commands, without Kafka: typed commands in; transitions, tasks, dead letters,
// audit and settings records and the changed instances out, plus what became of each command, in order.
// Nothing here is applied: the caller commits it or forgets it.
import type { Span } from '@opentelemetry/api';
import {
  advanceCircuits,
  circuitTrips,
  correlationIdOf,
  decide,
  environmentOf,
  isDeadLetter,
  isPartitionCommand,
  observeStep,
  taskLoadOf,
  type Command,
  type CircuitTrippedCommand,
  type PartitionLoad,
  type HealthRecord,
  type Instance,
  type PartitionHealth,
  type Registry,
  type Step,
  type TaskResultCommand,
  type Transition,
  type WorkflowSettingsCommand,
} from '../../core';
import type { DeadLetterCode } from '../../platform/codec/dead-letter-envelope';
import type { SettingsRecord } from '../../platform/codec/settings-record';
import { PARTITION_COMMAND_HEADER } from '../../platform/kafka/command-log';
import type { ProducedRecord } from '../../platform/kafka/records';
import { activeTracer } from '../../platform/tracing/tracing';
import { auditOf } from './audit-entry';
import { endDecideSpan, ORCHESTRATOR_SCOPE, outputTraceHeaders, startDecideSpan } from './command-span';
import type { InboundCommand } from './inbound-command';
import type { OutputEncoder } from './output-encoder';
import { decideSettings, type SettingsSource } from './settings-decision';
import { decidePartitionCommand } from './partition-command';

export interface BatchContext {
  readonly registry: Registry;
  /** The partition's committed health state; guards and circuits see what it becomes as the batch goes. */
  readonly health: PartitionHealth;
  /** The partition's committed runs per task type (in flight, waiting), for in-flight limits. */
  readonly load?: PartitionLoad;
  readonly now: number;
  /** The consumed partition: transitions go to the same partition number of the transitions topic. */
  readonly source: { readonly topic: string; readonly partition: number };
  /** The committed instance, as it was before this batch. */
  readonly lookup: (correlationId: string) => Instance | undefined;
  readonly encoder: OutputEncoder;
  readonly maxRecordBytes: number;
  /** Workflow settings as committed; without it settings commands are dead letters. */
  readonly settings?: SettingsSource;
}

export type CommandOutcome = Step['decision']['kind'] | 'dlq';

/** What became of one consumed command: decided by the core (with its instance before), or dead-lettered. */
export type DecidedCommand =
  | {
      readonly outcome: Step['decision']['kind'];
      readonly inbound: InboundCommand;
      readonly command: Command;
      readonly before: Instance | undefined;
      readonly step: Step;
    }
  | {
      readonly outcome: 'dlq';
      readonly inbound: InboundCommand;
      /** The command, when it could be decoded. */
      readonly command: Command | undefined;
      readonly code: DeadLetterCode;
      readonly reason: string;
    };

export interface BatchDecision {
  readonly transitions: ProducedRecord[];
  readonly tasks: ProducedRecord[];
  readonly deadLetters: ProducedRecord[];
  /** Audit records of the operator acts applied in the batch. */
  readonly audits: ProducedRecord[];
  /** Commands for the other partitions of the commands topic (circuit trips), each with its partition. */
  readonly fanout: ProducedRecord[];
  /** New workflow settings records, for the settings topic. */
  readonly settings: ProducedRecord[];
  readonly settingsRecords: SettingsRecord[];
  /** Instances after the batch, only those it changed; undefined for a purged one. */
  readonly changes: Map<string, Instance | undefined>;
  /** The partition's health state after the batch, and the health records it logged. */
  health: PartitionHealth;
  readonly healthRecords: HealthRecord[];
  /** The partition's runs per task type after the batch. */
  readonly load: PartitionLoad;
  readonly applied: Transition[];
  /** One entry per consumed command, in order. */
  readonly commands: DecidedCommand[];
}

export function decideBatch(context: BatchContext, commands: readonly InboundCommand[]): BatchDecision {
  const out: BatchDecision = {
    transitions: [],
    tasks: [],
    deadLetters: [],
    audits: [],
    fanout: [],
    settings: [],
    settingsRecords: [],
    changes: new Map(),
    health: context.health,
    healthRecords: [],
    load: copyLoad(context.load, context.source.partition),
    applied: [],
    commands: [],
  };
  // Circuits whose open time has passed start probing: logged first, so the batch's decisions see it.
  const first = commands[0];
  if (first !== undefined) {
    const advanced = advanceCircuits(
      out.health,
      context.now,
      `batch:${context.source.partition}/${first.offset}`,
    );
    logHealth(context, out, advanced.records, advanced.health);
  }
  // Looked up once per batch: without a registered provider no span is started and nothing is allocated for one.
  const tracer = activeTracer(ORCHESTRATOR_SCOPE);
  for (const inbound of commands) {
    const span =
      tracer === undefined ? undefined : startDecideSpan(tracer, inbound, context.source.partition);
    const decided = decideOne(context, out, inbound, span);
    if (decided.outcome === 'dlq') {
      out.deadLetters.push(deadLetterMessage(context, inbound, decided.code, decided.reason));
    }
    out.commands.push(decided);
    if (span !== undefined) {
      const reason = decided.outcome === 'dlq' ? decided.reason : undefined;
      endDecideSpan(span, decided.command, decided.outcome, reason);
    }
  }
  return out;
}

/** Appends the command's effects to `out` and answers what became of it. */
function decideOne(
  context: BatchContext,
  out: BatchDecision,
  inbound: InboundCommand,
  span: Span | undefined,
): DecidedCommand {
  const { decoded } = inbound;
  if (!decoded.ok) return { outcome: 'dlq', inbound, command: undefined, ...decoded };
  const command = decoded.command;
  const letter = (code: DeadLetterCode, reason: string): DecidedCommand => ({
    outcome: 'dlq',
    inbound,
    command,
    code,
    reason,
  });
  const id = correlationIdOf(command);
  if (id === undefined || inbound.key?.toString() !== id) {
    return letter('invalid-command', `the record key must be the correlationId ${command.correlationId}`);
  }
  if (command.type === 'workflow-settings') return settingsCommand(context, out, inbound, command);
  if (isPartitionCommand(command)) {
    const decided = decidePartitionCommand(out.health, command, inbound, context);
    if (decided.kind === 'applied') {
      logHealth(context, out, [decided.record], decided.health);
      if (decided.audit !== undefined) {
        out.audits.push({ key: inbound.key, value: context.encoder.audit(decided.audit) });
      }
    }
    const decision =
      decided.kind === 'applied'
        ? { kind: 'applied' as const, transitions: [], tasks: [] }
        : { kind: 'duplicate' as const, original: { kind: 'applied' as const, seq: 0 } };
    const step: Step = { decision, records: [], tasks: [], instance: undefined };
    return { outcome: decision.kind, inbound, command, before: undefined, step };
  }
  const before = out.changes.has(id) ? out.changes.get(id) : context.lookup(id);
  const step = decide(context.registry, before, command, context.now, environmentOf(out.health, out.load));
  const decision = step.decision;
  if (decision.kind === 'rejected' && isDeadLetter(decision.reason.code)) {
    return letter(decision.reason.code as DeadLetterCode, decision.reason.message);
  }
  const headers = outputTraceHeaders(span, inbound.headers);
  const transitions = step.records.map((record) => ({
    key: id,
    value: context.encoder.record(record),
    partition: context.source.partition,
    headers,
  }));
  const tasks = step.tasks.map((task) => ({ key: id, value: context.encoder.task(task), headers }));
  const largest = Math.max(0, ...[...transitions, ...tasks].map((message) => message.value.length));
  if (largest > context.maxRecordBytes) {
    const reason = `an output record of ${largest} bytes exceeds ${context.maxRecordBytes}`;
    const failure = asFailure(command, reason);
    if (failure !== undefined) {
      return decideOne(context, out, { ...inbound, decoded: { ok: true, command: failure } }, span);
    }
    return letter('oversized', reason);
  }
  out.transitions.push(...transitions);
  out.tasks.push(...tasks);
  const audit = auditOf({
    command,
    before,
    step,
    now: context.now,
    position: { ...context.source, offset: Number(inbound.offset) },
    sensitive:
      before === undefined ? [] : (context.registry.get(before.workflow, before.version)?.sensitive ?? []),
  });
  if (audit !== undefined) out.audits.push({ key: id, value: context.encoder.audit(audit), headers });
  if (step.records.length > 0) {
    out.changes.set(id, step.instance);
    moveLoad(out.load, before, step.instance);
  }
  for (const record of step.records) if (record.kind === 'transition') out.applied.push(record);
  const observed = observeStep(out.health, before, command, step, context.now);
  const trips = circuitTrips(out.health, observed.records, context.source.partition, context.now);
  logHealth(context, out, observed.records, observed.health);
  for (const trip of trips) fanOut(context, out, trip);
  return { outcome: decision.kind, inbound, command, before, step };
}

function copyLoad(load: PartitionLoad | undefined, partition: number): PartitionLoad {
  return {
    partition: load?.partition ?? partition,
    partitions: load?.partitions ?? partition + 1,
    running: new Map(load?.running ?? []),
    queued: new Map(load?.queued ?? []),
  };
}

/** The load changes by what the instance had open before and has open after. */
function moveLoad(load: PartitionLoad, before: Instance | undefined, after: Instance | undefined): void {
  const was = taskLoadOf(before);
  const now = taskLoadOf(after);
  const add = (into: ReadonlyMap<string, number>, from: ReadonlyMap<string, number>, sign: number) => {
    const target = into as Map<string, number>;
    for (const [type, count] of from) target.set(type, (target.get(type) ?? 0) + sign * count);
  };
  add(load.running, was.running, -1);
  add(load.queued, was.queued, -1);
  add(load.running, now.running, 1);
  add(load.queued, now.queued, 1);
}

/** Health records go to the partition's changelog, after the records of the command that caused them. */
function logHealth(
  context: BatchContext,
  out: BatchDecision,
  records: readonly HealthRecord[],
  health: PartitionHealth,
): void {
  out.health = health;
  for (const record of records) {
    out.healthRecords.push(record);
    out.transitions.push({
      key: record.correlationId,
      value: context.encoder.record(record),
      partition: context.source.partition,
    });
  }
}

/** A circuit this partition's outcomes opened opens on every other partition too: the trip goes to each. */
function fanOut(context: BatchContext, out: BatchDecision, trip: CircuitTrippedCommand): void {
  const value = context.encoder.command(trip);
  for (let partition = 0; partition < out.load.partitions; partition++) {
    if (partition === context.source.partition) continue;
    out.fanout.push({
      key: trip.correlationId,
      value,
      partition,
      headers: { [PARTITION_COMMAND_HEADER]: '1' },
    });
  }
}

/**
 * A task's success whose output would make a record too large becomes the task's fatal failure: the instance
 * takes its failure path (and compensates) instead of stalling with its result dead-lettered.
 */
function asFailure(command: Command, reason: string): TaskResultCommand | undefined {
  if (command.type !== 'task-result' || command.outcome.kind !== 'succeeded') return undefined;
  const error = { message: `task output refused: ${reason}`, code: 'oversized-output' };
  return { ...command, outcome: { kind: 'fatal', error } };
}

function settingsCommand(
  context: BatchContext,
  out: BatchDecision,
  inbound: InboundCommand,
  command: WorkflowSettingsCommand,
): DecidedCommand {
  if (context.settings === undefined) {
    const reason = 'this orchestrator does not apply workflow settings';
    return { outcome: 'dlq', inbound, command, code: 'invalid-command', reason };
  }
  const before =
    out.settingsRecords.findLast((record) => record.workflow === command.workflow) ??
    context.settings.record(command.workflow);
  const outcome = decideSettings(command, before, {
    registry: context.registry,
    now: context.now,
    position: { ...context.source, offset: Number(inbound.offset) },
  });
  if (outcome.kind === 'invalid') {
    return { outcome: 'dlq', inbound, command, code: 'invalid-command', reason: outcome.reason };
  }
  if (outcome.kind === 'applied') {
    out.settings.push(outcome.message);
    out.settingsRecords.push(outcome.record);
    out.audits.push({ key: inbound.key, value: context.encoder.audit(outcome.audit) });
  }
  const decision =
    outcome.kind === 'applied'
      ? { kind: 'applied' as const, transitions: [], tasks: [] }
      : { kind: 'duplicate' as const, original: { kind: 'applied' as const, seq: 0 } };
  const step: Step = { decision, records: [], tasks: [], instance: undefined };
  return { outcome: decision.kind, inbound, command, before: undefined, step };
}

function deadLetterMessage(
  context: BatchContext,
  inbound: InboundCommand,
  code: DeadLetterCode,
  reason: string,
): ProducedRecord {
  const headers = Object.entries(inbound.headers).flatMap(([key, raw]) =>
    (Array.isArray(raw) ? raw : [raw]).map((value) => ({
      key,
      value: value === undefined ? null : Buffer.from(value),
    })),
  );
  const value = context.encoder.deadLetter({
    code,
    reason,
    topic: context.source.topic,
    partition: context.source.partition,
    offset: Number(inbound.offset),
    timestamp: Number(inbound.timestamp),
    key: inbound.key,
    value: inbound.value,
    headers,
  });
  return { key: inbound.key, value, headers: { ...inbound.headers } };
}
