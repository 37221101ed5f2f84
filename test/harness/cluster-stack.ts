// A three-broker Kafka cluster of a test's own: deploy/local/stack.sh with BROKERS=3 on free ports in a fresh
// state directory (with its own registry and Redis). A node can be killed with SIGKILL and the stopped nodes
// started again; stop() stops every process the stack started, also after a failed start, and keeps the
// server logs beside the test's other logs.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Admin } from 'kafkajs';
import { eventually } from './eventually';
import { repoRoot } from './infrastructure';
import type { Endpoints } from './namespace';
import { freePorts } from './secure-stack';

const run = promisify(execFile);
const stackScript = path.join(repoRoot, 'deploy', 'local', 'stack.sh');
export const CLUSTER_SIZE = 3;
const NODE_IDS = Array.from({ length: CLUSTER_SIZE }, (_, i) => i + 1);

export interface ClusterNode {
  /** The broker's node.id, as metadata names it (leaders, replicas). */
  readonly id: number;
  readonly address: string;
}

export interface ClusterStack {
  /** KAFKA_BROKERS lists every node. */
  readonly endpoints: Endpoints;
  readonly nodes: readonly ClusterNode[];
  /** kill -9 of node `id`: resolves once its process is gone. */
  kill(id: number): Promise<void>;
  /** Starts the nodes that are not running and resolves when every node answers metadata naming all three. */
  restart(): Promise<void>;
  /** The lines of the servers' logs and of what stack.sh printed. */
  logLines(): string[];
  stop(): Promise<void>;
}

function stackEnv(dir: string, ports: number[]): NodeJS.ProcessEnv {
  const kafka = ports.slice(0, CLUSTER_SIZE);
  const controllers = ports.slice(CLUSTER_SIZE, 2 * CLUSTER_SIZE);
  const [registry, management, redis] = ports.slice(2 * CLUSTER_SIZE).map(String);
  return {
    ...process.env,
    SECURE: '0',
    BROKERS: String(CLUSTER_SIZE),
    STACK_DIR: dir,
    KAFKA_PORTS: kafka.join(','),
    KAFKA_CONTROLLER_PORTS: controllers.join(','),
    REGISTRY_PORT: registry,
    REGISTRY_MANAGEMENT_PORT: management,
    REDIS_PORT: redis,
    READY_TIMEOUT_S: '120',
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
    const message = `BROKERS=3 stack.sh ${command} failed (exit ${failure.code}):\n${failure.stderr ?? ''}`;
    throw new Error(message, { cause: error });
  }
}

const serverLogsOf = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(path.join(dir, entry.name))
        .filter((file) => file.endsWith('.log'))
        .map((file) => path.join(dir, entry.name, file)),
    );

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts the cluster; `logDir` receives the servers' logs when it stops. */
export async function startClusterStack(logDir: string): Promise<ClusterStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'statewright-cluster-stack-'));
  const ports = await freePorts(2 * CLUSTER_SIZE + 3);
  const env = stackEnv(dir, ports);
  const printed: string[] = [];
  let stopped: Promise<void> | undefined;
  const stopOnce = async () => {
    try {
      await runStack('down', env, printed);
    } finally {
      mkdirSync(logDir, { recursive: true });
      for (const file of serverLogsOf(dir)) cpSync(file, path.join(logDir, path.relative(dir, file)));
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
  const nodes = NODE_IDS.map((id) => ({ id, address: `127.0.0.1:${ports[id - 1]}` }));
  const kill = async (id: number) => {
    const pidFile = path.join(dir, `kafka-${id}`, `kafka-${id}.pid`);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await eventually(`kafka-${id} (pid ${pid}) to exit`, () => !isRunning(pid), { timeoutMs: 30_000 });
  };
  return {
    endpoints: {
      kafkaBrokers: nodes.map((node) => node.address).join(','),
      schemaRegistryUrl: `http://127.0.0.1:${ports[2 * CLUSTER_SIZE]}/apis/ccompat/v7`,
      redisUrl: `redis://127.0.0.1:${ports[2 * CLUSTER_SIZE + 2]}`,
    },
    nodes,
    kill,
    restart: () => runStack('up', env, printed),
    logLines: () =>
      [...printed, ...(existsSync(dir) ? serverLogsOf(dir) : []).map((file) => readFileSync(file, 'utf8'))]
        .join('\n')
        .split('\n'),
    stop,
  };
}

/** Java's String.hashCode, which the broker uses to place a transactional id. */
function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The `__transaction_state` partition that holds `transactionalId`: its leader is the id's transaction
 * coordinator (the broker's `Utils.abs(id.hashCode) % partitions`, which FindCoordinator answers with).
 */
export function transactionStatePartition(transactionalId: string, partitions: number): number {
  const hash = javaHashCode(transactionalId);
  return (hash === -2_147_483_648 ? 0 : Math.abs(hash)) % partitions;
}

export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** -1 while the partition has no leader. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** Every partition of `topics` as the metadata says now. */
export async function partitionStates(admin: Admin, topics: readonly string[]): Promise<PartitionState[]> {
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  return metadata.topics.flatMap(({ name, partitions }) =>
    partitions.map(({ partitionId, leader, replicas, isr }) => ({
      topic: name,
      partition: partitionId,
      leader,
      replicas,
      isr,
    })),
  );
}

/**
 * Polls the metadata until `holds` is true of it; a metadata request that fails (a broker just killed) is
 * asked again, and the last failure is named when the time is up.
 */
export async function awaitMetadata(
  admin: Admin,
  topics: readonly string[],
  what: string,
  holds: (states: PartitionState[]) => boolean,
  timeoutMs: number,
): Promise<void> {
  let lastFailure: unknown;
  const probe = async () => {
    try {
      return holds(await partitionStates(admin, topics));
    } catch (error) {
      lastFailure = error;
      return false;
    }
  };
  try {
    await eventually(what, probe, { timeoutMs, intervalMs: 200 });
  } catch (error) {
    throw new Error(`${(error as Error).message}; last metadata failure: ${String(lastFailure)}`, {
      cause: error,
    });
  }
}
