// Record-and-replay: folds each instance's recorded log with `evolve` alone and checks the fold against what the
// log says at every step (each transition leaves the state the fold is in) and at its end (the last transition's
// recorded state, status and seq).
import { evolve, ReplayError, type Instance } from '../../core';
import type { RecordedLine } from './transitions-file';

export type Verdict =
  | {
      readonly ok: true;
      readonly correlationId: string;
      readonly records: number;
      readonly instance: Instance;
    }
  | {
      readonly ok: false;
      readonly correlationId: string;
      readonly records: number;
      readonly problem: string;
    };

/** One verdict per instance, in order of first appearance. */
export function replay(lines: readonly RecordedLine[]): Verdict[] {
  const byInstance = new Map<string, RecordedLine[]>();
  for (const line of lines) {
    const log = byInstance.get(line.correlationId) ?? [];
    log.push(line);
    byInstance.set(line.correlationId, log);
  }
  return [...byInstance.entries()].map(([correlationId, log]) => verdictOf(correlationId, log));
}

function verdictOf(correlationId: string, log: readonly RecordedLine[]): Verdict {
  const fail = (problem: string): Verdict => ({ ok: false, correlationId, records: log.length, problem });
  let instance: Instance | undefined;
  let last: RecordedLine | undefined;
  for (const line of log) {
    const problem = stepProblem(instance, line);
    if (problem !== null) return fail(problem);
    try {
      instance = evolve(instance, line.record);
    } catch (error) {
      if (error instanceof ReplayError) return fail(error.message);
      throw error;
    }
    if (line.kind === 'transition') last = line;
  }
  if (instance === undefined || last === undefined) return fail('no transition recorded');
  const recorded = { state: last.to, status: last.status, seq: last.seq };
  const folded = { state: instance.state, status: instance.status, seq: instance.seq };
  if (JSON.stringify(recorded) !== JSON.stringify(folded)) {
    return fail(`folded ${JSON.stringify(folded)} but the last record says ${JSON.stringify(recorded)}`);
  }
  return { ok: true, correlationId, records: log.length, instance };
}

/** A line whose summary disagrees with its record, or a transition that does not leave the folded state. */
function stepProblem(before: Instance | undefined, line: RecordedLine): string | null {
  const record = line.record;
  const at = line.offset === null ? `commandId ${line.commandId}` : `offset ${line.partition}:${line.offset}`;
  if (record.kind !== line.kind || record.correlationId !== line.correlationId) {
    return `${at}: the summary (${line.kind}) differs from its record (${record.kind})`;
  }
  if (record.kind !== 'transition') return null;
  if (line.seq !== record.seq || line.to !== record.to || line.status !== record.status) {
    return `${at}: the summary (seq ${line.seq}, ${line.to}) differs from its record (seq ${record.seq}, ${record.to})`;
  }
  const from = before?.state ?? null;
  if (record.from !== from) {
    return `${at}: transition seq ${record.seq} leaves ${record.from} but the instance is in ${from}`;
  }
  return null;
}
