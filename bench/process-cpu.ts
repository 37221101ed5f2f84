// CPU time and age of processes from /proc: the parser of /proc/<pid>/stat, the stack's processes from their pid
// files, and CPU milliseconds per workflow between two readings.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** USER_HZ: the unit of the times in /proc/<pid>/stat, 100 on every Linux build the stack runs on. */
export const TICKS_PER_SECOND = 100;

export interface ProcessTicks {
  readonly utime: number;
  readonly stime: number;
  /** When the process started, in ticks after the machine booted. */
  readonly starttime: number;
}

/**
 * utime, stime and starttime (fields 14, 15 and 22) of a /proc/<pid>/stat line. The command name (field 2) is in
 * parentheses and may itself hold spaces and parentheses, so fields are counted from the last closing parenthesis.
 */
export function parseProcStat(text: string): ProcessTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line: no command name');
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state); utime is field 14, stime field 15, starttime field 22.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const starttime = Number(fields[19]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error('not a /proc/<pid>/stat line: utime or stime missing');
  }
  if (!Number.isFinite(starttime)) throw new Error('not a /proc/<pid>/stat line: starttime missing');
  return { utime, stime, starttime };
}

/** CPU seconds (user + system) a process has used so far; undefined once it is gone or where /proc is absent. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const { utime, stime } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return (utime + stime) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Seconds since a process started; undefined once it is gone or where /proc is absent. */
export function processAgeSeconds(pid: number): number | undefined {
  try {
    const { starttime } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Math.round(uptime - starttime / TICKS_PER_SECOND);
  } catch {
    return undefined;
  }
}

/** The stack's processes (`<stack>/<service>/<service>.pid`, as deploy/local/stack.sh writes them) by pid. */
export function stackProcesses(stackDir: string): Map<number, string> {
  const processes = new Map<number, string>();
  if (!existsSync(stackDir)) return processes;
  for (const service of readdirSync(stackDir)) {
    const file = path.join(stackDir, service, `${service}.pid`);
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`)) processes.set(pid, service);
  }
  return processes;
}

/** Seconds each running process of the stack has run, by service. */
export function stackAges(stackDir: string): Record<string, number> {
  const ages: Record<string, number> = {};
  for (const [pid, service] of stackProcesses(stackDir)) {
    const age = processAgeSeconds(pid);
    if (age !== undefined) ages[service] = age;
  }
  return ages;
}

/** CPU seconds of each named process at one moment. */
export type CpuReading = ReadonlyMap<string, number>;

export function readCpu(processes: ReadonlyMap<number, string>): CpuReading {
  const reading = new Map<string, number>();
  for (const [pid, name] of processes) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) reading.set(name, seconds);
  }
  return reading;
}

export interface CpuPerWorkflow {
  /** CPU milliseconds per completed workflow, by process; a process missing from either reading is left out. */
  readonly per_process_ms: Record<string, number>;
  readonly total_ms: number;
  /** The total without the processes that generate the load: what running the workflows cost. */
  readonly service_ms: number;
  readonly workflows: number;
}

/** CPU per workflow of every process read; `loadGenerators` names the ones `service_ms` leaves out. */
export function cpuPerWorkflow(
  before: CpuReading,
  after: CpuReading,
  workflows: number,
  loadGenerators: readonly string[] = [],
): CpuPerWorkflow {
  const perProcess: Record<string, number> = {};
  let total = 0;
  let service = 0;
  for (const [name, start] of before) {
    const end = after.get(name);
    if (end === undefined || workflows <= 0) continue;
    const ms = ((end - start) * 1000) / workflows;
    perProcess[name] = Number(ms.toFixed(3));
    total += ms;
    if (!loadGenerators.includes(name)) service += ms;
  }
  return {
    per_process_ms: perProcess,
    total_ms: Number(total.toFixed(3)),
    service_ms: Number(service.toFixed(3)),
    workflows,
  };
}
