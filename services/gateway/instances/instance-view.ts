// What GET /instances/:id and /history answer: the instance and its records with personal data redacted. `shown`
// first turns the tokens of an erased instance into `[erased]`, which redaction leaves visible.
import type { Instance, JsonValue, LogRecord, Timer } from '../../core';
import { unreachable } from '../../core/unreachable';
import type { Shown } from '../encryption/erasure-view';
import { redactContext, redactLoose, type Sensitivity } from './redaction';

export interface TimerView {
  readonly kind: Timer['kind'];
  readonly timerId: string;
  readonly dueAt: number;
  /** The state a timeout belongs to, the task a retry restarts, or the event a deferral re-submits. */
  readonly subject: string;
}

export interface InstanceView {
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  readonly state: string;
  readonly status: string;
  readonly seq: number;
  readonly context: JsonValue;
  readonly timers: readonly TimerView[];
  readonly openTasks: readonly JsonValue[];
  readonly stashed: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function instanceView(instance: Instance, sensitivity: Sensitivity, shown: Shown): InstanceView {
  return {
    correlationId: instance.correlationId,
    workflow: instance.workflow,
    version: instance.version,
    state: instance.state,
    status: instance.status,
    seq: instance.seq,
    context: redactContext(shown(instance.context), sensitivity),
    timers: instance.timers.map(timerView),
    openTasks: instance.openTasks.map((task) =>
      redactLoose(shown(task as unknown as JsonValue), sensitivity),
    ),
    stashed: instance.stash.length,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
  };
}

/** A record as JSON: the context by the definition's paths, task inputs and payloads by leaf name. */
export function recordView(record: LogRecord, sensitivity: Sensitivity, shown: Shown): JsonValue {
  if (sensitivity.kind === 'everything') return summaryOf(record);
  const { context, ...rest } = shown(record as unknown as JsonValue) as Record<string, JsonValue>;
  const redacted = redactLoose(rest, sensitivity) as Record<string, JsonValue>;
  return context === undefined ? redacted : { ...redacted, context: redactContext(context, sensitivity) };
}

/** Who did what when, without any data: for records of a workflow this gateway does not know. */
function summaryOf(record: LogRecord): JsonValue {
  const { kind, correlationId, workflow, commandId, causation, actor, at } = record;
  const summary = { kind, correlationId, workflow, commandId, causation, actor, at, redacted: true };
  if (record.kind !== 'transition') return summary;
  const { seq, event, from, to, status } = record;
  return { ...summary, seq, event, from, to, status };
}

function timerView(timer: Timer): TimerView {
  const base = { kind: timer.kind, timerId: timer.timerId, dueAt: timer.dueAt };
  switch (timer.kind) {
    case 'timeout':
      return { ...base, subject: timer.state };
    case 'retry':
      return { ...base, subject: timer.taskId };
    case 'deferral':
      return { ...base, subject: timer.command.event };
    default:
      return unreachable(timer);
  }
}
