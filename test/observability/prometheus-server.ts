// A real Prometheus for a test: the Debian binary as a child process on a free loopback port, with a temp data
// dir and a generated config scraping the given targets every second. `stop` ends it by its PID and removes the dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '../harness/eventually';

export const SCRAPE_JOB = 'statewright-orchestrator';

export interface PrometheusOptions {
  /** `host:port` of every /metrics endpoint to scrape. */
  readonly targets: readonly string[];
  /** Absolute paths of rule files to load. */
  readonly ruleFiles: readonly string[];
  /** Where Prometheus's own output goes. */
  readonly logFile: string;
}

export interface QueryResult {
  readonly status: 'success' | 'error';
  readonly error?: string;
  readonly data?: {
    readonly resultType: string;
    readonly result: readonly { metric: Record<string, string>; value?: [number, string] }[];
  };
}

export interface RuleState {
  readonly name: string;
  readonly query: string;
  readonly health: string;
  readonly lastError?: string;
  readonly type: string;
}

export class PrometheusServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly dir: string,
    readonly configFile: string,
    readonly url: string,
  ) {}

  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    const dir = await mkdtemp(path.join(tmpdir(), 'statewright-prometheus-'));
    const configFile = path.join(dir, 'prometheus.yml');
    await writeFile(configFile, configOf(options));
    const port = await freePort();
    const child = spawn(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = createWriteStream(options.logFile);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const server = new PrometheusServer(child, exited, dir, configFile, `http://127.0.0.1:${port}`);
    try {
      await eventually('Prometheus to be ready', () => server.ready(), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Evaluates `expr` now, through the HTTP API; a parse error comes back as status `error`. */
  async query(expr: string): Promise<QueryResult> {
    const response = await fetch(`${this.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return (await response.json()) as QueryResult;
  }

  async rules(): Promise<RuleState[]> {
    const response = await fetch(`${this.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { rules: RuleState[] }[] } };
    return body.data.groups.flatMap((group) => group.rules);
  }

  /** SIGTERM by PID, SIGKILL after a grace period; the temp dir goes either way. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      process.kill(this.child.pid, 'SIGTERM');
      const timer = setTimeout(() => this.child.pid && process.kill(this.child.pid, 'SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async ready(): Promise<boolean> {
    if (this.child.exitCode !== null) throw new Error(`prometheus exited with ${this.child.exitCode}`);
    try {
      return (await fetch(`${this.url}/-/ready`)).ok;
    } catch {
      return false;
    }
  }
}

function configOf(options: PrometheusOptions): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'rule_files:',
    ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`),
    'scrape_configs:',
    `  - job_name: ${SCRAPE_JOB}`,
    '    static_configs:',
    `      - targets: [${options.targets.map((target) => JSON.stringify(target)).join(', ')}]`,
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port for Prometheus');
  return address.port;
}
