// Child processes that live and stop together: each one's output is passed on line by line behind its name, and
// when one exits by itself, or `stop` is called, every other one gets SIGTERM. `done` waits for all of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Member {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Called with every line the member prints, stdout and stderr alike. */
  readonly watchers: Set<(line: string) => void>;
}

export class ProcessGroup {
  private readonly members: Member[] = [];
  private stopping = false;
  /** The first member that exited while nobody asked it to, with its exit code. */
  private unexpected: { name: string; code: number | null } | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {}

  start(name: string, command: string, args: readonly string[]): Member {
    const child = spawn(command, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const label = name.padEnd(12);
    const watchers = new Set<(line: string) => void>();
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.out.write(`${label} | ${line}\n`);
        for (const watch of watchers) watch(line);
      });
    }
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', (error) => {
        this.out.write(`${label} | could not start: ${error.message}\n`);
        resolve(null);
      });
      child.once('exit', (code) => resolve(code));
    });
    const member = { name, child, exited, watchers };
    this.members.push(member);
    void exited.then((code) => {
      if (this.stopping) return;
      this.unexpected = { name, code };
      this.stop();
    });
    return member;
  }

  /**
   * True once the member prints a line matching `pattern` (from this call on: call it right after `start`); false
   * when it exits first or the group is stopping.
   */
  waitForLine(member: Member, pattern: RegExp): Promise<boolean> {
    return new Promise((resolve) => {
      const watch = (line: string) => {
        if (!pattern.test(line)) return;
        member.watchers.delete(watch);
        resolve(!this.stopping);
      };
      member.watchers.add(watch);
      void member.exited.then(() => resolve(false));
      if (this.stopping) resolve(false);
    });
  }

  /** SIGTERM to every member still running; each stops cleanly (SIGINT from a terminal reaches them too). */
  stop(): void {
    this.stopping = true;
    for (const { child } of this.members) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  }

  /** Waits until every member has exited; tells which one ended the group by exiting, if one did. */
  async done(): Promise<{ name: string; code: number | null } | undefined> {
    await Promise.all(this.members.map((member) => member.exited));
    return this.unexpected;
  }
}
