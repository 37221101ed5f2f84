// A secure local stack of a test's own: deploy/local/stack.sh with SECURE=1 on free ports in a fresh state
// directory, its ACLs made for the test's deployment. Hands out each principal's client settings, the
// passwords the stack made and its server logs; stop() stops every process it started, also after a failed
// start, and keeps the server logs beside the test's other logs.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './infrastructure';

const run = promisify(execFile);
const stackScript = path.join(repoRoot, 'deploy', 'local', 'stack.sh');
const SERVERS = ['kafka', 'redis', 'apicurio'] as const;

export type Principal = 'orchestrator' | 'worker' | 'gateway' | 'admin';

/** The deployment the stack's ACLs are for: its topic prefix and the services' consumer groups. */
export interface SecureDeployment {
  readonly prefix: string;
  readonly orchestratorGroup: string;
  readonly workerGroup: string;
  readonly gatewayGroup: string;
}

export interface SecureStack {
  readonly kafkaBrokers: string;
  /** The controller listener: mutual TLS, only the broker's own certificate gets in. */
  readonly controllerPort: number;
  readonly redisPort: number;
  readonly caFile: string;
  /** What a service running as `principal` takes: KAFKA_*, SCHEMA_REGISTRY_URL and REDIS_* variables. */
  settings(principal: Principal): Record<string, string>;
  /** Every password the stack made: the SCRAM users' and Redis's. */
  secrets(): string[];
  /** The lines of the servers' logs and of what stack.sh printed. */
  logLines(): string[];
  stop(): Promise<void>;
}

/** `count` distinct ports free on 127.0.0.1 at the time of asking. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer().once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.match(/^([A-Z_]+)=(.*)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => [match[1]!, match[2]!] as const);
  return Object.fromEntries(entries);
}

function stackEnv(dir: string, ports: number[], deployment: SecureDeployment): NodeJS.ProcessEnv {
  const [kafka, controller, registry, management, redis] = ports.map(String);
  return {
    ...process.env,
    SECURE: '1',
    STACK_DIR: dir,
    KAFKA_PORT: kafka,
    KAFKA_CONTROLLER_PORT: controller,
    REGISTRY_PORT: registry,
    REGISTRY_MANAGEMENT_PORT: management,
    REDIS_PORT: redis,
    READY_TIMEOUT_S: '90',
    STATEWRIGHT_PREFIX: deployment.prefix,
    STATEWRIGHT_GROUP: deployment.orchestratorGroup,
    WORKER_GROUP: deployment.workerGroup,
    STATEWRIGHT_PROJECTION_GROUP: deployment.gatewayGroup,
  };
}

/** Runs stack.sh with `env`; what it prints goes to `printed`, also when it fails. */
async function runStack(command: 'up' | 'down', env: NodeJS.ProcessEnv, printed: string[]): Promise<void> {
  try {
    const { stdout, stderr } = await run(stackScript, [command], {
      env,
      timeout: 300_000,
      maxBuffer: 1 << 22,
    });
    printed.push(stdout, stderr);
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    printed.push(failure.stdout ?? '', failure.stderr ?? '');
    const message = `SECURE=1 stack.sh ${command} failed (exit ${failure.code}):\n${failure.stderr ?? ''}`;
    throw new Error(message, { cause: error });
  }
}

const serverLogsOf = (dir: string): string[] =>
  SERVERS.map((server) => path.join(dir, server))
    .filter((serverDir) => existsSync(serverDir))
    .flatMap((serverDir) =>
      readdirSync(serverDir)
        .filter((file) => file.endsWith('.log'))
        .map((file) => path.join(serverDir, file)),
    );

/** Starts the stack; `logDir` receives the servers' logs when it stops. */
export async function startSecureStack(deployment: SecureDeployment, logDir: string): Promise<SecureStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'statewright-secure-stack-'));
  const ports = await freePorts(5);
  const env = stackEnv(dir, ports, deployment);
  const printed: string[] = [];
  let stopped: Promise<void> | undefined;
  const stopOnce = async () => {
    try {
      await runStack('down', env, printed);
    } finally {
      mkdirSync(logDir, { recursive: true });
      for (const file of serverLogsOf(dir)) cpSync(file, path.join(logDir, path.basename(file)));
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const stop = () => (stopped ??= stopOnce());
  try {
    await runStack('up', env, printed);
  } catch (error) {
    await stop();
    throw error;
  }
  const read = (...parts: string[]) => readFileSync(path.join(dir, ...parts), 'utf8');
  return {
    kafkaBrokers: `127.0.0.1:${ports[0]}`,
    controllerPort: ports[1]!,
    redisPort: ports[4]!,
    caFile: path.join(dir, 'tls', 'ca.crt'),
    settings: (principal) => parseEnvFile(read('clients', `${principal}.env`)),
    secrets: () => readdirSync(path.join(dir, 'secrets')).map((file) => read('secrets', file).trim()),
    logLines: () =>
      [...printed, ...serverLogsOf(dir).map((file) => readFileSync(file, 'utf8'))].join('\n').split('\n'),
    stop,
  };
}
