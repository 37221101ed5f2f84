// The decision over one batch of commands, without Kafka: decoded commands in; transitions, tasks, dead letters
// and the changed instances out. Nothing here is applied: the caller commits it or forgets it.
import type { Span } from '@opentelemetry/api';
import type { Message } from 'kafkajs';
import {
  correlationIdOf,
  handle,
  isDeadLetter,
  type Environment,
  type Instance,
  type Registry,
  type Step,
  type Transition,
} from '../../core';
import type { DeadLetterCode } from '../../platform/codec/dead-letter-envelope';
import { activeTracer } from '../../platform/tracing/tracing';
import { endDecideSpan, ORCHESTRATOR_SCOPE, outputTraceHeaders, startDecideSpan } from './command-span';
import { isKeyCommand } from '../../platform/codec/key-request';
import type { SettingsRecord } from '../../platform/codec/settings-record';
import { auditOf } from './audit-entry';
import { decideSettings, type SettingsSource } from './settings-decision';
import type { InboundCommand } from './inbound-command';
import type { OutputEncoder } from './output-encoder';

export interface BatchContext {
  readonly registry: Registry;
  readonly env: Environment;
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

/** What the core made of one command, for metrics and logs: the command, its instance before, the step. */
export interface DecidedCommand {
  readonly command: Record<string, unknown>;
  readonly before: Instance | undefined;
  readonly step: Step;
}

export interface BatchDecision {
  readonly transitions: Message[];
  readonly tasks: Message[];
  readonly deadLetters: Message[];
  /** Audit records of the operator acts applied in the batch. */
  readonly audits: Message[];
  /** New workflow settings records, for the settings topic. */
  readonly settings: Message[];
  readonly settingsRecords: SettingsRecord[];
  /** Instances after the batch, only those it changed; undefined for a purged one. */
  readonly changes: Map<string, Instance | undefined>;
  readonly outcomes: CommandOutcome[];
  readonly applied: Transition[];
  /** One entry per command, in order; undefined for a dead letter. */
  readonly decided: (DecidedCommand | undefined)[];
}

export function decideBatch(context: BatchContext, commands: readonly InboundCommand[]): BatchDecision {
  const out: BatchDecision = {
    transitions: [],
    tasks: [],
    deadLetters: [],
    audits: [],
    settings: [],
    settingsRecords: [],
    changes: new Map(),
    outcomes: [],
    applied: [],
    decided: [],
  };
  // Looked up once per batch: without a registered provider no span is started and nothing is allocated for one.
  const tracer = activeTracer(ORCHESTRATOR_SCOPE);
  for (const inbound of commands) {
    const span =
      tracer === undefined ? undefined : startDecideSpan(tracer, inbound, context.source.partition);
    const letter = decideOne(context, out, inbound, span);
    if (letter !== undefined) {
      out.deadLetters.push(deadLetterMessage(context, inbound, letter.code, letter.reason));
      out.outcomes.push('dlq');
      out.decided.push(undefined);
    }
    if (span !== undefined) {
      const command = inbound.decoded.ok ? inbound.decoded.command : undefined;
      endDecideSpan(span, command, out.outcomes.at(-1) ?? 'dlq', letter?.reason);
    }
  }
  return out;
}

interface Letter {
  readonly code: DeadLetterCode;
  readonly reason: string;
}

/** Appends the command's effects to `out`, or answers why it is a dead letter. */
function decideOne(
  context: BatchContext,
  out: BatchDecision,
  inbound: InboundCommand,
  span: Span | undefined,
): Letter | undefined {
  if (!inbound.decoded.ok) return inbound.decoded;
  const command = inbound.decoded.command;
  const id = correlationIdOf(command);
  if (id !== undefined && inbound.key?.toString() !== id) {
    return { code: 'invalid-command', reason: `the record key must be the correlationId ${id}` };
  }
  const before =
    id === undefined ? undefined : out.changes.has(id) ? out.changes.get(id) : context.lookup(id);
  if (command.type === 'workflow-settings') return settingsCommand(context, out, inbound, command);
  if (isKeyCommand(command.type)) {
    // Served by the processor's key handling, in this batch's transaction; nothing for the core to decide.
    const note = `data key command ${String(command.type)}`;
    const step: Step = { decision: { kind: 'ignored', note }, records: [], tasks: [], instance: before };
    out.outcomes.push('ignored');
    out.decided.push({ command, before, step });
    return undefined;
  }
  const step = handle(context.registry, before, command, context.now, context.env);
  const decision = step.decision;
  if (decision.kind === 'rejected' && isDeadLetter(decision.reason.code)) {
    return { code: decision.reason.code as DeadLetterCode, reason: decision.reason.message };
  }
  const headers = outputTraceHeaders(span, inbound.headers);
  const key = id ?? null;
  const transitions = step.records.map((record) => ({
    key,
    value: context.encoder.record(record),
    partition: context.source.partition,
    headers,
  }));
  const tasks = step.tasks.map((task) => ({ key, value: context.encoder.task(task), headers }));
  const largest = Math.max(0, ...[...transitions, ...tasks].map((message) => message.value.length));
  if (largest > context.maxRecordBytes) {
    const reason = `an output record of ${largest} bytes exceeds ${context.maxRecordBytes}`;
    const failure = asFailure(command, reason);
    if (failure !== undefined) {
      return decideOne(context, out, { ...inbound, decoded: { ok: true, command: failure } }, span);
    }
    return { code: 'oversized', reason };
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
  if (audit !== undefined) out.audits.push({ key, value: context.encoder.audit(audit), headers });
  if (step.records.length > 0 && id !== undefined) out.changes.set(id, step.instance);
  for (const record of step.records) if (record.kind === 'transition') out.applied.push(record);
  out.outcomes.push(decision.kind);
  out.decided.push({ command, before, step });
  return undefined;
}

/**
 * A task's success whose output would make a record too large becomes the task's fatal failure: the instance
 * takes its failure path (and compensates) instead of stalling with its result dead-lettered.
 */
function asFailure(command: Record<string, unknown>, reason: string): Record<string, unknown> | undefined {
  const outcome = command.outcome as { kind?: unknown } | undefined;
  if (command.type !== 'task-result' || outcome?.kind !== 'succeeded') return undefined;
  return {
    ...command,
    outcome: {
      kind: 'fatal',
      error: { message: `task output refused: ${reason}`, code: 'oversized-output' },
    },
  };
}

function settingsCommand(
  context: BatchContext,
  out: BatchDecision,
  inbound: InboundCommand,
  command: Record<string, unknown>,
): Letter | undefined {
  if (context.settings === undefined) {
    return { code: 'invalid-command', reason: 'this orchestrator does not apply workflow settings' };
  }
  const workflow = String(command.workflow);
  const before =
    out.settingsRecords.findLast((record) => record.workflow === workflow) ??
    context.settings.record(workflow);
  const outcome = decideSettings(command, before, {
    registry: context.registry,
    now: context.now,
    position: { ...context.source, offset: Number(inbound.offset) },
  });
  if (outcome.kind === 'invalid') return { code: 'invalid-command', reason: outcome.reason };
  if (outcome.kind === 'applied') {
    out.settings.push(outcome.message);
    out.settingsRecords.push(outcome.record);
    out.audits.push({ key: inbound.key, value: context.encoder.audit(outcome.audit) });
  }
  const decision =
    outcome.kind === 'applied'
      ? { kind: 'applied' as const, transitions: [], tasks: [] }
      : { kind: 'duplicate' as const, original: { kind: 'applied' as const, seq: 0 } };
  out.outcomes.push(decision.kind);
  out.decided.push({
    command,
    before: undefined,
    step: { decision, records: [], tasks: [], instance: undefined },
  });
  return undefined;
}

function deadLetterMessage(
  context: BatchContext,
  inbound: InboundCommand,
  code: DeadLetterCode,
  reason: string,
): Message {
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
