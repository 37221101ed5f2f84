// Proves exactly-once from the logs alone. For each partition it re-decides the committed command
// stream with the pure core (using the decision time each record carries) and demands the very
// records the orchestrators committed; then it checks the invariants one by one.
import { isDeepStrictEqual } from 'node:util';
import {
  EMPTY_ENVIRONMENT,
  evolve,
  isDeadLetter,
  ReplayError,
  type Environment,
  type Instance,
  type LogRecord,
  type Registry,
} from '../../services/core';
import type { KafkaMessage } from 'kafkajs';
import { decideRaw } from '../harness/decide-raw';

export interface ConsumedCommand {
  readonly offset: string;
  /** The decoded command shape, or undefined when it could not be decoded (dead-lettered). */
  readonly command: { commandId?: unknown; correlationId?: unknown } | undefined;
}

export interface CheckReport {
  readonly violations: string[];
  readonly commands: number;
  readonly distinctCommands: number;
  readonly records: number;
  readonly transitions: number;
  /** Commands the core says belong in the DLQ, undecodable ones included. */
  readonly deadLettered: number;
  readonly instances: Map<string, Instance>;
}

const FINAL_KINDS = new Set<LogRecord['kind']>(['transition', 'rejection', 'ignored']);
const MAX_LISTED = 20;

export function checkLogs(
  registry: Registry,
  commands: Map<number, ConsumedCommand[]>,
  records: Map<number, LogRecord[]>,
): CheckReport {
  const violations: string[] = [];
  const folded = new Map<string, Instance>();
  const distinct = new Set<string>();
  let total = 0;
  let deadLettered = 0;
  for (const [partition, stream] of commands) {
    total += stream.length;
    for (const { command } of stream)
      if (typeof command?.commandId === 'string') distinct.add(command.commandId);
    deadLettered += refold(registry, partition, stream, records.get(partition) ?? [], folded, violations);
  }
  const all = [...records.values()].flat();
  checkSeq(all, violations);
  checkAppliedOnce(all, violations);
  checkOneOutcome(all, violations);
  checkFinalStates(all, folded, violations);
  return {
    violations: violations
      .slice(0, MAX_LISTED)
      .concat(violations.length > MAX_LISTED ? [`… ${violations.length - MAX_LISTED} more`] : []),
    commands: total,
    distinctCommands: distinct.size,
    records: all.length,
    transitions: all.filter((r) => r.kind === 'transition').length,
    deadLettered,
    instances: folded,
  };
}

/**
 * Re-decides a partition's commands in offset order; the committed records must be exactly what the
 * core says. Answers how many of the commands belong in the DLQ.
 */
function refold(
  registry: Registry,
  partition: number,
  stream: ConsumedCommand[],
  log: LogRecord[],
  instances: Map<string, Instance>,
  violations: string[],
): number {
  let next = 0;
  let now = 0;
  let deadLettered = 0;
  for (const { offset, command } of stream) {
    if (command === undefined) {
      deadLettered += 1;
      continue;
    }
    const head = log[next];
    const id = command.commandId;
    const owns = head !== undefined && (head.commandId === id || head.causation === id);
    if (owns) now = head.at;
    const correlationId = typeof command.correlationId === 'string' ? command.correlationId : '';
    const step = decideRaw(
      registry,
      instances.get(correlationId),
      command,
      now,
      recordedEnv(log, next, String(id)),
    );
    if (step.decision.kind === 'rejected' && isDeadLetter(step.decision.reason.code)) deadLettered += 1;
    const committed = log.slice(next, next + step.records.length);
    if (!isDeepStrictEqual(committed, step.records)) {
      violations.push(
        `partition ${partition} offset ${offset} (${String(id)}): the core decides ${step.decision.kind} with ${step.records.length} record(s), the log holds ${JSON.stringify(committed.map((r) => [r.kind, r.commandId]))}; first difference ${firstDifference(committed, step.records)}`,
      );
      return deadLettered;
    }
    next += step.records.length;
    if (step.instance !== undefined) instances.set(correlationId, step.instance);
  }
  if (next !== log.length)
    violations.push(`partition ${partition}: ${log.length - next} record(s) no command accounts for`);
  return deadLettered;
}

/** Where two JSON-like values first differ, as `path: logged vs decided`, for the violation's message. */
function firstDifference(logged: unknown, decided: unknown, path = '$'): string {
  if (isDeepStrictEqual(logged, decided)) return '';
  const bothObjects =
    typeof logged === 'object' && logged !== null && typeof decided === 'object' && decided !== null;
  if (bothObjects) {
    const keys = new Set([...Object.keys(logged), ...Object.keys(decided)]);
    for (const key of keys) {
      const a = (logged as Record<string, unknown>)[key];
      const b = (decided as Record<string, unknown>)[key];
      if (!isDeepStrictEqual(a, b)) return firstDifference(a, b, `${path}.${key}`);
    }
  }
  const shown = (value: unknown) => JSON.stringify(value)?.slice(0, 300) ?? String(value);
  return `${path}: logged ${shown(logged)} vs decided ${shown(decided)}`;
}

/**
 * The environment the orchestrator decided the command with: the one recorded on a record of its decision (a
 * guard ran, or a run was parked); empty when none of its records carries one.
 */
function recordedEnv(log: readonly LogRecord[], from: number, commandId: string): Environment {
  for (let i = from; i < log.length; i++) {
    const record = log[i]!;
    if (record.commandId !== commandId && record.causation !== commandId) break;
    if (record.env !== null && record.env !== undefined) return record.env;
  }
  return EMPTY_ENVIRONMENT;
}

function checkSeq(all: LogRecord[], violations: string[]): void {
  const last = new Map<string, number>();
  for (const record of all) {
    if (record.kind !== 'transition') continue;
    const expected = (last.get(record.correlationId) ?? 0) + 1;
    if (record.seq !== expected)
      violations.push(`${record.correlationId}: seq ${record.seq} where ${expected} was due`);
    last.set(record.correlationId, record.seq);
  }
}

function checkAppliedOnce(all: LogRecord[], violations: string[]): void {
  const applied = new Set<string>();
  for (const record of all) {
    if (record.kind !== 'transition') continue;
    if (applied.has(record.commandId)) violations.push(`${record.commandId} applied twice`);
    applied.add(record.commandId);
  }
}

/** A command ends with one final record at most: applied, rejected or ignored (stash and deferral are interim). */
function checkOneOutcome(all: LogRecord[], violations: string[]): void {
  const outcomes = new Map<string, number>();
  for (const record of all) {
    if (FINAL_KINDS.has(record.kind))
      outcomes.set(record.commandId, (outcomes.get(record.commandId) ?? 0) + 1);
  }
  for (const [commandId, count] of outcomes)
    if (count > 1) violations.push(`${commandId} has ${count} outcomes`);
}

/** Folding the committed records with evolve gives the same instances as re-deciding the commands. */
function checkFinalStates(all: LogRecord[], folded: Map<string, Instance>, violations: string[]): void {
  const fromLog = new Map<string, Instance>();
  const broken = new Set<string>();
  for (const record of all) {
    if (broken.has(record.correlationId)) continue;
    try {
      const next = evolve(fromLog.get(record.correlationId), record);
      if (next === undefined) fromLog.delete(record.correlationId);
      else fromLog.set(record.correlationId, next);
    } catch (error) {
      if (!(error instanceof ReplayError)) throw error;
      broken.add(record.correlationId);
      violations.push(`${record.correlationId}: the log does not fold: ${error.message}`);
    }
  }
  for (const [id, instance] of fromLog) {
    if (broken.has(id)) continue;
    if (!isDeepStrictEqual(instance, folded.get(id)))
      violations.push(`${id}: final state differs from the pure fold`);
  }
  if (fromLog.size !== folded.size)
    violations.push(`${folded.size} instances from the fold, ${fromLog.size} from the log`);
}

/** Dead letters whose record (key and value) is in the DLQ more than once, with each copy's offset and writer. */
export function repeatedDeadLetters(deadLetters: readonly KafkaMessage[]): string[] {
  const copies = new Map<string, string[]>();
  for (const letter of deadLetters) {
    const record = `${letter.key?.toString('utf8')} ${letter.value?.toString('hex')}`;
    // kafkajs' types leave out the record batch each message came from.
    const batch = (letter as { batchContext?: { producerId: string; producerEpoch: number } }).batchContext;
    const writer = batch === undefined ? '' : ` (producer ${batch.producerId}, epoch ${batch.producerEpoch})`;
    const where = `offset ${letter.offset}${writer}`;
    copies.set(record, [...(copies.get(record) ?? []), where]);
  }
  return [...copies]
    .filter(([, where]) => where.length > 1)
    .map(([record, where]) => `${record.split(' ')[0]}: ${where.join(', ')}`);
}
