// The orchestrator, the example workers and the gateway from dist/ on a secure stack of the suite's own (TLS +
// SASL/SCRAM Kafka with ACLs, TLS + AUTH Redis), each as its own principal, optionally with a KEK file so
// sensitive fields are encrypted. Also reads every topic of the deployment raw, as the admin principal. (kcat
// cannot: its librdkafka 2.0 fails SCRAM against Kafka 4, edenhill/kcat#462, fixed in librdkafka 2.6.1.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { generateKekLine } from '../../services/platform/crypto';
import { topicNames } from '../../services/platform/kafka/topic-names';
import { eventually } from '../harness/eventually';
import { EXAMPLE_MODULES } from '../harness/examples';
import { repoRoot } from '../harness/infrastructure';
import { testNamespace } from '../harness/namespace';
import { ProcessFleet } from '../harness/process-fleet';
import {
  freePorts,
  startSecureStack,
  type SecureDeployment,
  type SecureStack,
} from '../harness/secure-stack';
import { readTopicToEnd } from '../harness/topic-reader';

export interface SecureFleetOptions {
  /** The namespace label: topic prefix, groups and log directory derive from it. */
  readonly label: string;
  /** When set, every service gets a KEK file with one key of this id. */
  readonly kekId?: string;
}

export interface SecureFleet {
  readonly stack: SecureStack;
  readonly deployment: SecureDeployment;
  /** The gateway's base URL, authentication off. */
  readonly gateway: string;
  /** Every record of every topic of the deployment, key and value bytes as latin1, aborted ones included. */
  rawTopics(): Promise<string>;
  stop(): Promise<void>;
}

/** An order of the order saga whose email and card number are the sensitive fields. */
export const sensitiveOrder = (id: string) => ({
  orderId: id,
  customer: { id: `customer-${id}`, email: `${id}.buyer@example.com` },
  items: [{ sku: 'SKU-1', quantity: 1 }],
  amount: 25,
  payment: { cardNumber: '4000056655665556' },
  address: 'Main Street 1',
});

async function startServices(
  stack: SecureStack,
  fleet: ProcessFleet,
  env: Record<string, string>,
  gateway: string,
): Promise<void> {
  // The orchestrator provisions the topics; the others start once it is ready.
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js', {
    ...stack.settings('orchestrator'),
    ...env,
  });
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'services/worker/main.js', { ...stack.settings('worker'), ...env });
  fleet.start('gateway', 'services/gateway/main.js', { ...stack.settings('gateway'), ...env });
  await eventually(
    'the gateway to be ready',
    () =>
      fetch(`${gateway}/readyz`).then(
        (response) => response.ok,
        () => false,
      ),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** Every record of every topic of `prefix`, key and value bytes as latin1, aborted transactions included. */
async function rawTopicsOf(stack: SecureStack, prefix: string): Promise<string> {
  const admin = stack.settings('admin');
  const kafka = new Kafka({
    clientId: 'secure-fleet-reader',
    brokers: [stack.kafkaBrokers],
    ssl: { ca: [readFileSync(stack.caFile, 'utf8')] },
    sasl: {
      mechanism: 'scram-sha-512',
      username: admin.KAFKA_SASL_USERNAME!,
      password: admin.KAFKA_SASL_PASSWORD!,
    },
    logLevel: logLevel.NOTHING,
  });
  const dumps = await Promise.all(
    Object.values(topicNames(prefix)).map(async (topic) => {
      const partitions = await readTopicToEnd(kafka, topic, { readUncommitted: true, timeoutMs: 60_000 });
      return [...partitions.values()]
        .flat()
        .map(
          (message) => `${message.key?.toString('latin1') ?? ''}\t${message.value?.toString('latin1') ?? ''}`,
        )
        .join('\n');
    }),
  );
  return dumps.join('\n');
}

export async function startSecureFleet(options: SecureFleetOptions): Promise<SecureFleet> {
  const ns = testNamespace(options.label);
  const deployment: SecureDeployment = {
    prefix: ns.prefix,
    orchestratorGroup: `${ns.prefix}.orchestrator`,
    workerGroup: `${ns.prefix}.workers`,
    gatewayGroup: `${ns.prefix}.gateway-projection`,
  };
  const logDir = path.join(repoRoot, 'test-results', 'security', ns.prefix);
  const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-secure-fleet-'));
  const kekEnv: Record<string, string> = {};
  if (options.kekId !== undefined) {
    kekEnv.STATEWRIGHT_KEK_FILE = path.join(workdir, 'kek');
    writeFileSync(kekEnv.STATEWRIGHT_KEK_FILE, `${generateKekLine(options.kekId)}\n`, { mode: 0o600 });
  }
  const stack = await startSecureStack(deployment, path.join(logDir, 'stack')).catch((error: unknown) => {
    rmSync(workdir, { recursive: true, force: true });
    throw error;
  });
  const fleet = new ProcessFleet(logDir, { ...EXAMPLE_MODULES });
  const stop = async () => {
    try {
      await fleet.stopAll();
    } finally {
      await stack.stop();
      rmSync(workdir, { recursive: true, force: true });
    }
  };
  const [port] = await freePorts(1);
  const gateway = `http://127.0.0.1:${port}`;
  const env = {
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_GROUP: deployment.orchestratorGroup,
    WORKER_GROUP: deployment.workerGroup,
    STATEWRIGHT_PROJECTION_GROUP: deployment.gatewayGroup,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PARTITIONS: '3',
    GATEWAY_PORT: String(port),
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    ...kekEnv,
  };
  try {
    await startServices(stack, fleet, env, gateway);
  } catch (error) {
    await stop();
    throw error;
  }
  const rawTopics = () => rawTopicsOf(stack, ns.prefix);
  return { stack, deployment, gateway, rawTopics, stop };
}

/** The instance's status once it is no longer running, as the gateway shows it. */
export async function finishedStatus(gateway: string, id: string): Promise<string> {
  return eventually(
    `${id} to finish`,
    async () => {
      const response = await fetch(`${gateway}/instances/${encodeURIComponent(id)}`);
      if (response.status !== 200) return undefined;
      const { status } = (await response.json()) as { status: string };
      return status !== 'running' ? status : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** Starts an order saga through the gateway; the answer's status and body. */
export async function startOrder(gateway: string, id: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `start-${id}` },
    body: JSON.stringify({ correlationId: id, input: sensitiveOrder(id) }),
  });
  return { status: response.status, body: await response.text() };
}
