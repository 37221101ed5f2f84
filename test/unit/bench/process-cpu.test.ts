import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuPerWorkflow, parseProcStat, processAgeSeconds, stackAges } from '../../../bench/process-cpu';

const line = (comm: string) =>
  `4242 (${comm}) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 8 9 20 0 31 0 100 5000000 2000 ` +
  '18446744073709551615 1 1 0 0 0 0 0 4096 17663 0 0 0 17 1 0 0 0 0 0';

describe('parseProcStat', () => {
  it('reads utime, stime and starttime after the command name', () => {
    expect(parseProcStat(line('node'))).toEqual({ utime: 1234, stime: 567, starttime: 100 });
  });

  it('counts fields from the last parenthesis, so a name holding ") " cannot shift them', () => {
    expect(parseProcStat(line('odd) (name 1 2'))).toEqual({ utime: 1234, stime: 567, starttime: 100 });
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseProcStat('nothing here')).toThrow(/no command name/);
    expect(() => parseProcStat('1 (x) S 1')).toThrow(/utime or stime/);
  });
});

describe('processAgeSeconds', () => {
  it('is no more than the seconds this test process has run, and undefined for a pid that does not exist', () => {
    const ran = Math.ceil(process.uptime()) + 1;
    const age = processAgeSeconds(process.pid);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThanOrEqual(ran);
    expect(processAgeSeconds(2 ** 30)).toBeUndefined();
  });
});

describe('stackAges', () => {
  it('gives the age of each service whose pid file names a running process, and skips the others', () => {
    const stack = mkdtempSync(path.join(os.tmpdir(), 'stack-'));
    try {
      mkdirSync(path.join(stack, 'kafka'));
      writeFileSync(path.join(stack, 'kafka', 'kafka.pid'), `${process.pid}\n`);
      mkdirSync(path.join(stack, 'redis'));
      writeFileSync(path.join(stack, 'redis', 'redis.pid'), `${2 ** 30}\n`);
      const ages = stackAges(stack);
      expect(Object.keys(ages)).toEqual(['kafka']);
      expect(ages.kafka).toBeLessThanOrEqual(Math.ceil(process.uptime()) + 1);
    } finally {
      rmSync(stack, { recursive: true, force: true });
    }
  });
});

describe('cpuPerWorkflow', () => {
  /** CPU seconds by process name. */
  const reading = (seconds: Record<string, number>) => new Map(Object.entries(seconds));

  it("divides each process's CPU time by the workflows completed, in milliseconds, and sums them", () => {
    const before = reading({ kafka: 10, orchestrator: 2 });
    const after = reading({ kafka: 12, orchestrator: 3 });
    expect(cpuPerWorkflow(before, after, 1000)).toEqual({
      per_process_ms: { kafka: 2, orchestrator: 1 },
      total_ms: 3,
      service_ms: 3,
      workflows: 1000,
    });
  });

  it('leaves the load generators out of service_ms, not out of the total', () => {
    const before = reading({ kafka: 10, driver: 5 });
    const after = reading({ kafka: 12, driver: 6 });
    const result = cpuPerWorkflow(before, after, 1000, ['driver']);
    expect(result.per_process_ms).toEqual({ kafka: 2, driver: 1 });
    expect(result.total_ms).toBe(3);
    expect(result.service_ms).toBe(2);
  });

  it('leaves out a process that was gone at the second reading', () => {
    const result = cpuPerWorkflow(new Map([['worker-0', 1]]), new Map(), 10);
    expect(result.per_process_ms).toEqual({});
    expect(result.total_ms).toBe(0);
  });
});
