// Commands: the only input of the core. They arrive as unknown JSON and leave `parseCommand` typed or not at all.
import { z } from 'zod';
import {
  MAX_COMMAND_ID_LENGTH,
  MAX_CORRELATION_ID_LENGTH,
  PRINTABLE,
  type CommandId,
  type CorrelationId,
  type RunId,
  type TaskId,
  type TimerId,
} from '../ids';
import type { DedupeWindow } from '../instance/dedupe-window-size';
import type { RolloutRule } from '../registry/rollout-rule';
import type { TaskOutcome } from './task-outcome';
import type { Health } from '../environment';
import { circuitRuleSchema, type CircuitRule } from '../health/circuit-rule';
import { MAX_JSON_DEPTH, nestsDeeperThan, toJson, type JsonValue } from '../json/json-value';
import { unreachable } from '../unreachable';

export type { TaskError, TaskOutcome } from './task-outcome';

export interface CommandEnvelope {
  readonly commandId: CommandId;
  readonly correlationId: CorrelationId;
  readonly workflow: string;
  readonly actor: string;
  /** Epoch ms at which the producer issued the command. */
  readonly timestamp: number;
  /** Optimistic concurrency: the instance seq the producer saw; null when not checked. */
  readonly expectedSeq: number | null;
  /** Producer-side ordering: a command not newer than the last applied one loses; null when unordered. */
  readonly sourceSeq: number | null;
}

export interface StartCommand extends CommandEnvelope {
  readonly type: 'start';
  readonly input: JsonValue;
  readonly version: number | null;
}
export interface SignalCommand extends CommandEnvelope {
  readonly type: 'signal';
  readonly event: string;
  readonly payload: JsonValue;
}
export interface CancelCommand extends CommandEnvelope {
  readonly type: 'cancel';
  readonly reason: string;
}
export interface TaskResultCommand extends CommandEnvelope {
  readonly type: 'task-result';
  readonly taskId: TaskId;
  readonly runId: RunId;
  readonly outcome: TaskOutcome;
}
export interface TimerFiredCommand extends CommandEnvelope {
  readonly type: 'timer-fired';
  readonly timerId: TimerId;
}
/**
 * An operator's act on one instance: `migrate` it to another version, `retry` a task waiting out its backoff
 * now, `purge` a finished instance from the hot set (its log stays), or `erase` its sensitive fields
 * (crypto-shredding of its data key).
 */
export type AdminAction =
  | { readonly action: 'migrate'; readonly targetVersion: number }
  | { readonly action: 'retry' }
  | { readonly action: 'purge' }
  | { readonly action: 'erase' };

export type AdminCommand = CommandEnvelope & { readonly type: 'admin' } & AdminAction;

/**
 * An admin's change of a workflow's run-time settings (see registry/workflow-settings). Its correlation id is
 * `workflow:<name>`; the orchestrator applies it, not the per-instance decision.
 */
export interface WorkflowSettingsCommand extends CommandEnvelope {
  readonly type: 'workflow-settings';
  /** Undefined leaves the rule as it is; null returns to the deployed rule. */
  readonly rollout: RolloutRule | null | undefined;
  /** Undefined leaves the window as it is; null returns to the definitions' window. */
  readonly dedupe: DedupeWindow | null | undefined;
  /** Why the settings change, recorded in the audit record (an automatic rollback says what it saw). */
  readonly reason?: string;
}

/**
 * A data-key command, served by the orchestrator that owns the instance's partition: `key-request` asks for the
 * instance's data key (created once, before anything encrypted with it is published), `key-rewrap` for the key
 * wrapped again with the current KEK. They change no instance; `keyEffectOf` says what each asks for.
 */
export interface KeyCommand extends CommandEnvelope {
  readonly type: 'key-request' | 'key-rewrap';
}

/**
 * A task type's fleet health from worker heartbeats (or an operator): a partition command, written with the same
 * command id to every commands partition, keyed `health:<taskType>`, so every partition logs it.
 */
export interface HealthChangedCommand extends CommandEnvelope {
  readonly type: 'health-changed';
  readonly taskType: string;
  readonly health: Health;
  readonly alive: number;
  readonly capacity: number;
  readonly inFlight: number;
}

/**
 * An operator's change of a task type's circuit, fanned out like `health-changed` and audited: `hold` holds it
 * open or closed (null hands it back to its rule, undefined leaves it); `rule` sets the failure rule (null removes
 * the circuit, undefined leaves it).
 */
export interface CircuitSettingsCommand extends CommandEnvelope {
  readonly type: 'circuit-settings';
  readonly taskType: string;
  readonly hold: 'open' | 'closed' | null | undefined;
  readonly rule: CircuitRule | null | undefined;
  /** The most runs of the type in flight across the fleet (null: no limit, undefined: unchanged). */
  readonly maxInFlight: number | null | undefined;
  /** The most runs of the type dispatched per second across the fleet (null: no limit, undefined: unchanged). */
  readonly perSecond?: number | null | undefined;
}

/**
 * A task type's circuit opened on partition `origin` by the outcomes it saw there: written by that partition, in
 * the transaction that opened it, to every other commands partition, so the circuit opens across the fleet.
 */
export interface CircuitTrippedCommand extends CommandEnvelope {
  readonly type: 'circuit-tripped';
  readonly taskType: string;
  readonly origin: number;
  readonly why: string;
}

/** Commands about a partition, not an instance: decided by `decidePartition` against the partition's health. */
export type PartitionCommand = HealthChangedCommand | CircuitSettingsCommand | CircuitTrippedCommand;

/**
 * Dispatches a task a circuit deferred: issued by the orchestrator once the circuit lets it through, with an id
 * fixed by the run and the circuit's epoch, so re-publishing it is a duplicate.
 */
export interface TaskResumeCommand extends CommandEnvelope {
  readonly type: 'task-resume';
  readonly taskId: TaskId;
  readonly runId: RunId;
}

export type Command =
  | StartCommand
  | TaskResumeCommand
  | PartitionCommand
  | SignalCommand
  | CancelCommand
  | TaskResultCommand
  | TimerFiredCommand
  | AdminCommand
  | WorkflowSettingsCommand
  | KeyCommand;

export const isPartitionCommand = (command: Command): command is PartitionCommand =>
  command.type === 'health-changed' ||
  command.type === 'circuit-settings' ||
  command.type === 'circuit-tripped';

/** The correlation id of a workflow's settings commands: they are ordered like one instance's. */
export const settingsKey = (workflow: string): string => `workflow:${workflow}`;

export type CommandType = Command['type'];

const id = z
  .string()
  .min(1)
  .max(MAX_COMMAND_ID_LENGTH)
  .regex(PRINTABLE, 'must hold printable characters only');
const seqNumber = z.number().int().nonnegative().nullish();
const envelope = {
  commandId: id,
  correlationId: id,
  workflow: id,
  actor: z.string().min(1).max(256),
  timestamp: z.number().int(),
  expectedSeq: seqNumber,
  sourceSeq: seqNumber,
};
const taskError = z.object({ message: z.string(), code: z.string().nullish() });
const version = z.number().int().positive();
const rolloutRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('pinned'), version }).strict(),
  z
    .object({
      kind: z.literal('canary'),
      stable: version,
      canary: version,
      percent: z.number().min(0).max(100),
    })
    .strict(),
]);
const dedupeWindow = z
  .object({ count: z.number().int().min(1).max(100_000), ageMs: z.number().int().min(0) })
  .strict();

const commandSchema = z.discriminatedUnion('type', [
  z.object({
    ...envelope,
    // A new instance's id leaves room for the ids derived from it.
    correlationId: id.max(MAX_CORRELATION_ID_LENGTH),
    type: z.literal('start'),
    input: z.unknown(),
    version: z.number().int().positive().nullish(),
  }),
  z.object({ ...envelope, type: z.literal('signal'), event: id, payload: z.unknown() }),
  z.object({ ...envelope, type: z.literal('cancel'), reason: z.string().max(2048).nullish() }),
  z.object({
    ...envelope,
    type: z.literal('task-result'),
    taskId: id,
    runId: id,
    outcome: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('succeeded'), output: z.unknown() }),
      z.object({ kind: z.literal('retryable'), error: taskError }),
      z.object({ kind: z.literal('fatal'), error: taskError }),
    ]),
  }),
  z.object({ ...envelope, type: z.literal('timer-fired'), timerId: id }),
  z.object({ ...envelope, type: z.literal('task-resume'), taskId: id, runId: id }),
  z.object({
    ...envelope,
    type: z.literal('health-changed'),
    taskType: id,
    health: z.enum(['up', 'degraded', 'down']),
    alive: z.number().int().nonnegative(),
    capacity: z.number().int().nonnegative(),
    inFlight: z.number().int().nonnegative(),
  }),
  z.object({
    ...envelope,
    type: z.literal('circuit-settings'),
    taskType: id,
    hold: z.enum(['open', 'closed']).nullable().optional(),
    rule: circuitRuleSchema.nullable().optional(),
    maxInFlight: z.number().int().min(1).max(1_000_000).nullable().optional(),
    perSecond: z.number().positive().max(1_000_000).nullable().optional(),
  }),
  z.object({
    ...envelope,
    type: z.literal('circuit-tripped'),
    taskType: id,
    origin: z.number().int().nonnegative(),
    why: z.string().max(1_000),
  }),
  z.object({ ...envelope, type: z.enum(['key-request', 'key-rewrap']) }),
  z.object({
    ...envelope,
    type: z.literal('admin'),
    action: z.enum(['migrate', 'retry', 'purge', 'erase']),
    targetVersion: z.number().int().positive().nullish(),
  }),
  z.object({
    ...envelope,
    type: z.literal('workflow-settings'),
    rollout: rolloutRule.nullable().optional(),
    dedupe: dedupeWindow.nullable().optional(),
    reason: z.string().max(2_000).optional(),
  }),
]);

type RawCommand = z.output<typeof commandSchema>;

export type ParseResult =
  { readonly ok: true; readonly command: Command } | { readonly ok: false; readonly message: string };

/** Validates a decoded command; never throws. Absent optional fields become null, missing payloads null. */
export function parseCommand(input: unknown): ParseResult {
  const parsed = commandSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, message: `${where}${issue?.message ?? 'invalid command'}` };
  }
  return normalise(parsed.data);
}

function normalise(raw: RawCommand): ParseResult {
  const base: CommandEnvelope = {
    commandId: raw.commandId as CommandId,
    correlationId: raw.correlationId as CorrelationId,
    workflow: raw.workflow,
    actor: raw.actor,
    timestamp: raw.timestamp,
    expectedSeq: raw.expectedSeq ?? null,
    sourceSeq: raw.sourceSeq ?? null,
  };
  switch (raw.type) {
    case 'start':
      return json(raw.input, (input) => ({ ...base, type: 'start', input, version: raw.version ?? null }));
    case 'signal':
      return json(raw.payload, (payload) => ({ ...base, type: 'signal', event: raw.event, payload }));
    case 'cancel':
      return { ok: true, command: { ...base, type: 'cancel', reason: raw.reason ?? '' } };
    case 'task-result':
      return taskResult(base, raw);
    case 'timer-fired':
      return { ok: true, command: { ...base, type: 'timer-fired', timerId: raw.timerId as TimerId } };
    case 'admin':
      return admin(base, raw);
    case 'task-resume':
      return {
        ok: true,
        command: { ...base, type: 'task-resume', taskId: raw.taskId as TaskId, runId: raw.runId as RunId },
      };
    case 'health-changed': {
      const { taskType, health, alive, capacity, inFlight } = raw;
      return { ok: true, command: { ...base, type: raw.type, taskType, health, alive, capacity, inFlight } };
    }
    case 'circuit-settings':
      return {
        ok: true,
        command: {
          ...base,
          type: raw.type,
          taskType: raw.taskType,
          hold: raw.hold,
          rule: raw.rule,
          maxInFlight: raw.maxInFlight,
          perSecond: raw.perSecond,
        },
      };
    case 'circuit-tripped': {
      const { taskType, origin, why } = raw;
      return { ok: true, command: { ...base, type: raw.type, taskType, origin, why } };
    }
    case 'workflow-settings':
      return {
        ok: true,
        command: {
          ...base,
          type: 'workflow-settings',
          rollout: raw.rollout,
          dedupe: raw.dedupe,
          ...(raw.reason === undefined ? {} : { reason: raw.reason }),
        },
      };
    case 'key-request':
    case 'key-rewrap':
      return { ok: true, command: { ...base, type: raw.type } };
    default:
      return unreachable(raw);
  }
}

function admin(base: CommandEnvelope, raw: Extract<RawCommand, { type: 'admin' }>): ParseResult {
  if (raw.action !== 'migrate') return { ok: true, command: { ...base, type: 'admin', action: raw.action } };
  if (raw.targetVersion === undefined || raw.targetVersion === null) {
    return { ok: false, message: 'targetVersion: required for migrate' };
  }
  return {
    ok: true,
    command: { ...base, type: 'admin', action: 'migrate', targetVersion: raw.targetVersion },
  };
}

function taskResult(base: CommandEnvelope, raw: Extract<RawCommand, { type: 'task-result' }>): ParseResult {
  const outcome = raw.outcome;
  const build = (result: TaskOutcome): ParseResult => ({
    ok: true,
    command: {
      ...base,
      type: 'task-result',
      taskId: raw.taskId as TaskId,
      runId: raw.runId as RunId,
      outcome: result,
    },
  });
  if (outcome.kind === 'succeeded') {
    const output = jsonOf(outcome.output);
    return output === undefined ? NOT_JSON : build({ kind: 'succeeded', output });
  }
  return build({
    kind: outcome.kind,
    error: { message: outcome.error.message, code: outcome.error.code ?? null },
  });
}

const NOT_JSON: ParseResult = { ok: false, message: 'payload is not JSON' };

const jsonOf = (value: unknown): JsonValue | undefined => (value === undefined ? null : toJson(value));

const TOO_DEEP: ParseResult = { ok: false, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };

function json(value: unknown, make: (value: JsonValue) => Command): ParseResult {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return TOO_DEEP;
  const clean = jsonOf(value);
  return clean === undefined ? NOT_JSON : { ok: true, command: make(clean) };
}

/** The correlation id of a decoded command, if it has a usable one: the routing key. */
export function correlationIdOf(command: unknown): string | undefined {
  if (typeof command !== 'object' || command === null) return undefined;
  const value = (command as { correlationId?: unknown }).correlationId;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
