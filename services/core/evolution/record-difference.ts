// How the records a candidate version makes for a command differ from the recorded ones, in the terms a person
// reviews a change in: another outcome, another target state, another context, other tasks, other timers.
import { canonicalJson, type JsonValue } from '../json/json-value';
import type { LogRecord } from '../log/log-record';

export type DivergenceKind = 'outcome' | 'target-state' | 'context' | 'tasks' | 'timers' | 'other';

/** What one record says, in short. */
export interface RecordSummary {
  readonly kind: LogRecord['kind'];
  readonly to: string | null;
  readonly status: string | null;
  /** Tasks opened, as `type` (their ids are derived from the seq, so the type says what differs). */
  readonly tasks: readonly string[];
  readonly timers: { readonly set: readonly string[]; readonly clear: readonly string[] };
  /** A rejection's reason code, a dismissal's note. */
  readonly reason: string | null;
}

export interface RecordDifference {
  readonly kind: DivergenceKind;
  /** Dotted paths where the contexts differ (for `context`; at most MAX_PATHS). */
  readonly contextPaths: readonly string[];
}

const MAX_PATHS = 10;
const same = (a: unknown, b: unknown) => canonicalJson(a as JsonValue) === canonicalJson(b as JsonValue);

export function summaryOf(record: LogRecord): RecordSummary {
  const transition = record.kind === 'transition' ? record : null;
  return {
    kind: record.kind,
    to: transition?.to ?? null,
    status: transition?.status ?? null,
    tasks: transition?.tasks.put.map((task) => task.type) ?? [],
    timers: {
      set: record.timers.set.map((timer) => `${timer.kind}@${timer.dueAt - record.at}ms`),
      clear: [...record.timers.clear],
    },
    reason: record.kind === 'rejection' ? record.reason.code : record.kind === 'ignored' ? record.note : null,
  };
}

/** The first way the candidate's records differ from the recorded ones; null when they are the same. */
export function recordDifference(
  recorded: readonly LogRecord[],
  candidate: readonly LogRecord[],
): RecordDifference | null {
  const none = { contextPaths: [] };
  if (recorded.length !== candidate.length) return { kind: 'outcome', ...none };
  for (let i = 0; i < recorded.length; i += 1) {
    const [r, c] = [recorded[i]!, candidate[i]!];
    if (same(r, c)) continue;
    if (r.kind !== c.kind) return { kind: 'outcome', ...none };
    if (r.kind === 'transition' && c.kind === 'transition') {
      if (r.to !== c.to || r.status !== c.status || !same(r.via, c.via))
        return { kind: 'target-state', ...none };
      if (!same(r.context, c.context))
        return { kind: 'context', contextPaths: differingPaths(r.context, c.context, '') };
      if (!same(r.tasks, c.tasks) || !same(r.steps, c.steps)) return { kind: 'tasks', ...none };
    }
    if (!same(r.timers, c.timers)) return { kind: 'timers', ...none };
    if (r.kind === 'rejection' && c.kind === 'rejection' && !same(r.reason, c.reason))
      return { kind: 'outcome', ...none };
    return { kind: 'other', ...none };
  }
  return null;
}

function differingPaths(a: JsonValue, b: JsonValue, at: string): string[] {
  const isObject = (v: JsonValue): v is { [key: string]: JsonValue } =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(a) || !isObject(b)) return same(a, b) ? [] : [at === '' ? '(root)' : at];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const paths: string[] = [];
  for (const key of keys) {
    const path = at === '' ? key : `${at}.${key}`;
    const [x, y] = [a[key], b[key]];
    if (x === undefined || y === undefined) {
      if (x !== y) paths.push(path);
    } else paths.push(...differingPaths(x, y, path));
    if (paths.length >= MAX_PATHS) break;
  }
  return paths.slice(0, MAX_PATHS);
}
