// How one instance is stored in a snapshot hash (field = correlation id). A restore of a partition reads every
// record, so the record is a JSON array by position rather than an object by key: about half the bytes, and
// quicker to parse. Its first element is the format; a record that is a JSON object is an instance as written
// by earlier versions (or one this encoder could not put by position) and is read as it is.
// An instance with no open task is stored outlined: a first line holds what the orchestrator counts and indexes
// (status, workflow, version, state, last change, timers), a second the other fields by position. A restore reads
// the outline alone; the rest is decoded when the instance is first needed, so an idle instance costs one string.
import {
  appliedAt,
  DEFAULT_DEDUPE_WINDOW,
  itemsOrNone,
  NO_ITEMS,
  type CommandId,
  type CorrelationId,
  type DedupeEntry,
  type DedupeWindow,
  type Instance,
  type InstanceOutline,
  type InstanceStatus,
  type JsonValue,
  type OpenTask,
  type Outcome,
  type TimerOutline,
} from '../../core';
import { SnapshotError } from './snapshot-error';
import { StoredInstanceError } from './stored-instance-error';

/** The first element of a positional record; the instance's fields follow it. */
const POSITIONAL = 2;
/** The first element of an outline line; status, workflow, version, state, updatedAt, then kind and due time per timer. */
const OUTLINED = 3;
const OUTLINE_FIELDS = 6;
/** The first element of the line after an outline: the instance's other fields, by position. */
const REMAINDER = 4;
const REMAINDER_FIELDS = 10;
const OUTLINED_START = `[${OUTLINED},`;
const REMAINDER_START = `[${REMAINDER},`;
const FIELDS = 16;
const DERIVED = 1;

/** Every field of an instance: an instance with a key not here is stored by key, so nothing is ever dropped. */
const INSTANCE_KEYS: Readonly<Record<keyof Instance, true>> = {
  correlationId: true,
  incarnation: true,
  workflow: true,
  version: true,
  state: true,
  context: true,
  seq: true,
  status: true,
  timers: true,
  openTasks: true,
  completed: true,
  dedupe: true,
  stash: true,
  window: true,
  lastSourceSeq: true,
  createdAt: true,
  updatedAt: true,
};
const DEDUPE_KEYS: Readonly<Record<keyof DedupeEntry, true>> = {
  commandId: true,
  derived: true,
  signature: true,
  at: true,
  outcome: true,
};

type DedupeRecord =
  | [commandId: CommandId, signature: string, at: number, outcome: number | Outcome]
  | [commandId: CommandId, signature: string, at: number, outcome: number | Outcome, derived: typeof DERIVED];

/** An instance as its snapshot record holds it: the outline read, the rest decoded when first needed. */
export class StoredInstance implements InstanceOutline {
  constructor(
    readonly correlationId: CorrelationId,
    readonly status: InstanceStatus,
    readonly workflow: string,
    readonly version: number,
    readonly state: string,
    readonly updatedAt: number,
    readonly timers: readonly TimerOutline[],
    /** The whole record as read: written back as it is while the instance stays unchanged. */
    readonly record: string,
  ) {}

  /** Only an instance with no open task is outlined. */
  get openTasks(): readonly OpenTask[] {
    return NO_ITEMS;
  }

  /** The whole instance; StoredInstanceError when the rest of the record does not decode, though its outline did. */
  open(): Instance {
    try {
      return decodeSnapshotRecord(this.correlationId, this.record);
    } catch (error) {
      throw new StoredInstanceError(this.correlationId, { cause: error });
    }
  }
}

/** The record of `instance`, stored under its correlation id (which the record does not repeat). */
export function encodeSnapshotRecord(instance: Instance): string {
  if (!positional(instance)) return JSON.stringify(instance);
  if (instance.openTasks.length > 0) return positionalRecord(instance);
  return `${outlineOf(instance)}\n${remainderOf(instance)}`;
}

/**
 * The instance stored as `record` under `field`: outlined records as a StoredInstance, whose outline alone is
 * parsed, and the others decoded in full.
 */
export function readSnapshotRecord(field: string, record: string): Instance | StoredInstance {
  if (!record.startsWith(OUTLINED_START)) return decodeSnapshotRecord(field, record);
  const correlationId = field as CorrelationId;
  const cut = outlineEnd(correlationId, record);
  const o = outlineAt(correlationId, record, cut);
  const timers: TimerOutline[] = [];
  for (let i = OUTLINE_FIELDS; i < o.length; i += 2) {
    timers.push({ kind: o[i] as TimerOutline['kind'], dueAt: o[i + 1] as number });
  }
  return new StoredInstance(
    correlationId,
    o[1] as InstanceStatus,
    o[2] as string,
    o[3] as number,
    o[4] as string,
    o[5] as number,
    itemsOrNone(timers),
    record,
  );
}

/** The instance stored as `record` under `field`, its correlation id, decoded in full. */
export function decodeSnapshotRecord(field: string, record: string): Instance {
  const correlationId = field as CorrelationId;
  if (record.startsWith(OUTLINED_START)) {
    const cut = outlineEnd(correlationId, record);
    return fromOutlined(correlationId, outlineAt(correlationId, record, cut), record.slice(cut + 1));
  }
  const parsed = parse(correlationId, record);
  if (!Array.isArray(parsed)) return parsed as Instance;
  const r = parsed as unknown[];
  if (r[0] !== POSITIONAL || r.length !== FIELDS + 1 || !Array.isArray(r[11]) || !Array.isArray(r[13])) {
    throw new SnapshotError(`snapshot of ${correlationId} is not an instance record`);
  }
  // The same fields as an outline and its remainder, by their positions there.
  const outline = [OUTLINED, r[7], r[2], r[3], r[4], r[16]];
  const remainder = [REMAINDER, r[1], r[5], r[6], r[8], r[10], r[11], r[12], r[13], r[14], r[15]];
  return fromParts(correlationId, outline, remainder, itemsOrNone(r[9] as Instance['openTasks']));
}

function positionalRecord(instance: Instance): string {
  return JSON.stringify([
    POSITIONAL,
    instance.incarnation,
    instance.workflow,
    instance.version,
    instance.state,
    instance.context,
    instance.seq,
    instance.status,
    instance.timers,
    instance.openTasks,
    instance.completed,
    ...lastFields(instance),
    instance.updatedAt,
  ]);
}

function outlineOf(instance: Instance): string {
  const { status, workflow, version, state, updatedAt } = instance;
  const outline: unknown[] = [OUTLINED, status, workflow, version, state, updatedAt];
  for (const timer of instance.timers) outline.push(timer.kind, timer.dueAt);
  return JSON.stringify(outline);
}

/** What follows the outline: the fields it does not hold (an outlined instance has no open task). */
function remainderOf(instance: Instance): string {
  return JSON.stringify([
    REMAINDER,
    instance.incarnation,
    instance.context,
    instance.seq,
    instance.timers,
    instance.completed,
    ...lastFields(instance),
  ]);
}

/** The fields after the completed steps, in both layouts. */
function lastFields(instance: Instance): unknown[] {
  const { dedupe, stash, window, lastSourceSeq, createdAt } = instance;
  return [dedupe.map(dedupeRecord), stash, [window.count, window.ageMs], lastSourceSeq, createdAt];
}

/** Where the outline line of an outlined record ends; the remainder must follow it. */
function outlineEnd(correlationId: CorrelationId, record: string): number {
  const cut = record.indexOf('\n');
  if (cut < 0 || !record.startsWith(REMAINDER_START, cut + 1)) {
    throw new SnapshotError(`snapshot of ${correlationId} is not an instance record`);
  }
  return cut;
}

function outlineAt(correlationId: CorrelationId, record: string, cut: number): unknown[] {
  const o = parse(correlationId, record.slice(0, cut));
  if (!Array.isArray(o) || o.length < OUTLINE_FIELDS || (o.length - OUTLINE_FIELDS) % 2 !== 0) {
    throw new SnapshotError(`snapshot of ${correlationId} has a malformed outline`);
  }
  return o;
}

function fromOutlined(correlationId: CorrelationId, outline: unknown[], remainder: string): Instance {
  const r = parse(correlationId, remainder) as unknown[];
  if (r.length !== REMAINDER_FIELDS + 1 || !Array.isArray(r[6]) || !Array.isArray(r[8])) {
    throw new SnapshotError(`snapshot of ${correlationId} is not an instance record`);
  }
  return fromParts(correlationId, outline, r, NO_ITEMS);
}

/** The instance of an outline `o` and a remainder `r`, checked by the caller, with its open tasks. */
function fromParts(
  correlationId: CorrelationId,
  o: unknown[],
  r: unknown[],
  openTasks: Instance['openTasks'],
): Instance {
  return {
    correlationId,
    incarnation: r[1] as string | null,
    workflow: o[2] as string,
    version: o[3] as number,
    state: o[4] as string,
    context: r[2] as JsonValue,
    seq: r[3] as number,
    status: o[1] as Instance['status'],
    timers: itemsOrNone(r[4] as Instance['timers']),
    openTasks,
    completed: itemsOrNone(r[5] as Instance['completed']),
    dedupe: dedupeEntries(correlationId, r[6] as DedupeRecord[]),
    stash: itemsOrNone(r[7] as Instance['stash']),
    window: dedupeWindow(r[8] as [number, number]),
    lastSourceSeq: r[9] as number | null,
    createdAt: r[10] as number,
    updatedAt: o[5] as number,
  };
}

function parse(correlationId: CorrelationId, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`snapshot of ${correlationId} is not JSON`, { cause: error });
  }
}

/**
 * Whether the positional record holds all of `instance`: every key one it knows, every field present (an instance
 * older than `incarnation` lacks it and is stored by key), a dedupe entry's `derived` true or absent.
 */
function positional(instance: Instance): boolean {
  for (const key in instance) if (!(key in INSTANCE_KEYS)) return false;
  for (const key in INSTANCE_KEYS) if (instance[key as keyof Instance] === undefined) return false;
  for (const key in instance.window) if (key !== 'count' && key !== 'ageMs') return false;
  if (typeof instance.window.count !== 'number' || typeof instance.window.ageMs !== 'number') return false;
  for (const entry of instance.dedupe) {
    for (const key in entry) if (!(key in DEDUPE_KEYS)) return false;
    if (entry.outcome === undefined || ('derived' in entry && entry.derived !== true)) return false;
  }
  return true;
}

function dedupeRecord(entry: DedupeEntry): DedupeRecord {
  const outcome = isApplied(entry.outcome) ? entry.outcome.seq : entry.outcome;
  return entry.derived === true
    ? [entry.commandId, entry.signature, entry.at, outcome, DERIVED]
    : [entry.commandId, entry.signature, entry.at, outcome];
}

/** An applied outcome is stored as its seq alone. */
function isApplied(outcome: Outcome): outcome is { readonly kind: 'applied'; readonly seq: number } {
  return outcome.kind === 'applied' && typeof outcome.seq === 'number';
}

function dedupeEntries(correlationId: string, entries: DedupeRecord[]): readonly DedupeEntry[] {
  return itemsOrNone(entries.map((entry) => dedupeEntry(correlationId, entry)));
}

function dedupeEntry(correlationId: string, entry: DedupeRecord): DedupeEntry {
  if (!Array.isArray(entry))
    throw new SnapshotError(`snapshot of ${correlationId} has a malformed dedupe entry`);
  const [commandId, signature, at, stored] = entry;
  const outcome: Outcome = typeof stored === 'number' ? appliedAt(stored) : stored;
  return entry[4] === DERIVED
    ? { commandId, derived: true, signature, at, outcome }
    : { commandId, signature, at, outcome };
}

function dedupeWindow([count, ageMs]: [number, number]): DedupeWindow {
  return count === DEFAULT_DEDUPE_WINDOW.count && ageMs === DEFAULT_DEDUPE_WINDOW.ageMs
    ? DEFAULT_DEDUPE_WINDOW
    : { count, ageMs };
}
