// Starts service processes (compiled, from dist/) with their own environment and log files, kills
// them with SIGKILL or stops them with SIGTERM, and always reaps every process it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './infrastructure';

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

export class ProcessFleet {
  private readonly running = new Set<ServiceProcess>();
  private started = 0;

  constructor(
    private readonly logDir: string,
    private readonly baseEnv: NodeJS.ProcessEnv,
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  /** Starts `dist/<script>` (with `args`) with the fleet's environment plus `env`; output goes to a log file. */
  start(
    name: string,
    script: string,
    env: NodeJS.ProcessEnv = {},
    args: readonly string[] = [],
  ): ServiceProcess {
    this.started += 1;
    const log = createWriteStream(path.join(this.logDir, `${name}-${this.started}.log`));
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', script), ...args], {
      env: { ...process.env, ...this.baseEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const service: ServiceProcess = { name, child, exited };
    this.running.add(service);
    void exited.then(() => this.running.delete(service));
    return service;
  }

  /** Waits until the process prints a line matching `pattern` (e.g. its ready log line). */
  async waitForLine(service: ServiceProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString();
        if (pattern.test(buffer)) done(undefined);
        if (buffer.length > 65_536) buffer = buffer.slice(-4096);
      };
      const timer = setTimeout(
        () => done(new Error(`${service.name} did not print ${pattern} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onExit = (code: number | null) =>
        done(new Error(`${service.name} exited (${code}) before printing ${pattern}`));
      const done = (error: Error | undefined) => {
        clearTimeout(timer);
        service.child.stdout!.off('data', onData);
        service.child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      service.child.stdout!.on('data', onData);
      service.child.once('exit', onExit);
    });
  }

  async kill(service: ServiceProcess): Promise<void> {
    service.child.kill('SIGKILL');
    await service.exited;
  }

  /** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. Returns the exit code. */
  async stop(service: ServiceProcess, graceMs = 20_000): Promise<number | null> {
    if (service.child.exitCode !== null || service.child.signalCode !== null) return service.child.exitCode;
    service.child.kill('SIGTERM');
    const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
    const code = await service.exited;
    clearTimeout(timer);
    return code;
  }

  list(): ServiceProcess[] {
    return [...this.running];
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.list().map((service) => this.stop(service)));
  }
}
