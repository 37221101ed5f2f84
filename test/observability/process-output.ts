// Everything a service process prints on stdout, recorded from its start, so a test can wait for a line that
// may already have been printed (the fleet's own wait only sees lines printed after it is called).
import type { ServiceProcess } from '../harness/process-fleet';
import { eventually } from '../harness/eventually';

export class ProcessOutput {
  private text = '';

  constructor(private readonly service: ServiceProcess) {
    service.child.stdout!.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
    });
  }

  /** The first match of `pattern` in the output so far or to come; fails when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const { child, name } = this.service;
    return eventually(
      `${name} to print ${pattern}`,
      () => {
        const match = pattern.exec(this.text);
        if (match === null && child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode})`);
        return match ?? undefined;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }
}
