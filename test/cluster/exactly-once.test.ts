// Exactly-once on a real cluster: three brokers (replication factor 3, min.insync.replicas 2) of the test's
// own, orchestrator processes in one group, and mid-run kill -9 of the broker leading a commands partition,
// then of the transaction coordinator of the orchestrators' transactional ids, each started again once its
// partitions have moved. The committed logs must then be exactly what the pure core decides.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { topicNames } from '../../services/platform/kafka/topic-names';
import { provisionTopics } from '../../services/platform/kafka/topic-provisioner';
import {
  awaitMetadata,
  CLUSTER_SIZE,
  partitionStates,
  startClusterStack,
  transactionStatePartition,
  type ClusterStack,
  type PartitionState,
} from '../harness/cluster-stack';
import { exampleRegistry } from '../harness/examples';
import { repoRoot } from '../harness/infrastructure';
import { testNamespace } from '../harness/namespace';
import type { ChaosRig } from '../chaos/chaos-rig';
import { chaosScale, runChaos, type ChaosOutcome, type ChaosPlan } from '../chaos/chaos-run';
import { checkLogs, repeatedDeadLetters } from '../chaos/invariant-checker';

const full = chaosScale() === 'full';
const SHIPPING_TIMEOUT_MS = 3_000;
const TRANSACTION_STATE = '__transaction_state';
const CONSUMER_OFFSETS = '__consumer_offsets';
const FINAL = new Set(['completed', 'failed', 'cancelled', 'compensated', 'timed_out']);
/** How long the controller may take to fence a killed broker and move its leaderships (session 9 s). */
const LEADER_MOVE_TIMEOUT_MS = 60_000;
const IN_SYNC_TIMEOUT_MS = 120_000;

type Role = 'commands partition leader' | 'transaction coordinator';

/** One broker kill -9: what it led, how much of the run was still to do, and how the cluster recovered. */
interface BrokerKill {
  readonly role: Role;
  readonly broker: number;
  readonly topic: string;
  readonly partition: number;
  readonly at: number;
  readonly unfinishedOrders: number;
  /** From the kill to metadata naming another leader of `partition`. */
  readonly leaderMovedMs: number;
  /** From the kill to the broker answering again after its restart. */
  readonly restartedMs: number;
}

const ORDERS = full ? 600 : 120;
const kills: BrokerKill[] = [];
let stack: ClusterStack | undefined;
let outcome: ChaosOutcome | undefined;
let runFailure: unknown;
let runTopicsReplicas: number[] = [];

/** The broker leading the most partitions of `partitions` (partition → leader), and one of them. */
function busiest(leaders: ReadonlyMap<number, number>): { broker: number; partition: number } {
  const led = new Map<number, number[]>();
  for (const [partition, leader] of leaders) led.set(leader, [...(led.get(leader) ?? []), partition]);
  const [broker, partitions] = [...led].sort((a, b) => b[1].length - a[1].length)[0]!;
  return { broker, partition: partitions[0]! };
}

/** The broker leading most commands partitions, and one commands partition it leads. */
async function commandsLeader(admin: Admin, rig: ChaosRig) {
  const states = await partitionStates(admin, [rig.topics.commands]);
  runTopicsReplicas = (await partitionStates(admin, Object.values(rig.topics))).map((s) => s.replicas.length);
  return { topic: rig.topics.commands, ...busiest(new Map(states.map((s) => [s.partition, s.leader]))) };
}

/**
 * The broker that coordinates the transactions of most of the orchestrators' transactional ids
 * (`<group>.<commands topic>.<partition>`, services/orchestrator/partition/processor-deps.ts), and the
 * `__transaction_state` partition of one of those ids.
 */
async function transactionCoordinator(admin: Admin, rig: ChaosRig) {
  const states = await partitionStates(admin, [TRANSACTION_STATE]);
  const leaderOf = new Map(states.map((s) => [s.partition, s.leader]));
  const coordinators = new Map<number, number>();
  for (let partition = 0; partition < rig.options.partitions; partition++) {
    const id = `${rig.ns.groupId}.${rig.topics.commands}.${partition}`;
    const statePartition = transactionStatePartition(id, states.length);
    coordinators.set(statePartition, leaderOf.get(statePartition)!);
  }
  return { topic: TRANSACTION_STATE, ...busiest(coordinators) };
}

/** Kills the broker `aim` picks, waits for its partition to move, starts it again and waits for every replica. */
function brokerKill(role: Role, aim: typeof commandsLeader): (rig: ChaosRig) => Promise<void> {
  return async (rig) => {
    const admin = rig.kafka.admin();
    await admin.connect();
    try {
      const { topic, broker, partition } = await aim(admin, rig);
      const unfinishedOrders = ORDERS - rig.watcher.count((entry) => FINAL.has(entry.status));
      const at = Date.now();
      await stack!.kill(broker);
      const moved = (states: PartitionState[]) =>
        states.some((s) => s.partition === partition && s.leader >= 0 && s.leader !== broker);
      await awaitMetadata(
        admin,
        [topic],
        `${topic}[${partition}] led by another broker than ${broker}`,
        moved,
        LEADER_MOVE_TIMEOUT_MS,
      );
      const leaderMovedMs = Date.now() - at;
      await stack!.restart();
      const restartedMs = Date.now() - at;
      kills.push({ role, broker, topic, partition, at, unfinishedOrders, leaderMovedMs, restartedMs });
      // The next kill must find every replica in sync, or it would take a partition below min.insync.replicas.
      const topics = [...Object.values(rig.topics), TRANSACTION_STATE, CONSUMER_OFFSETS];
      const inSync = (states: PartitionState[]) => states.every((s) => s.isr.length === CLUSTER_SIZE);
      await awaitMetadata(admin, topics, 'every replica in sync', inSync, IN_SYNC_TIMEOUT_MS);
    } finally {
      await admin.disconnect();
    }
  };
}

const plan = (cluster: ClusterStack): ChaosPlan => ({
  label: 'cluster',
  orders: ORDERS,
  orchestrators: full ? 3 : 2,
  partitions: 6,
  killsAt: [],
  // Orders keep arriving until after the first broker is back and in sync, so the second kill finds some in flight.
  trafficSpreadMs: full ? 150_000 : 60_000,
  traceWritten: true,
  disturbances: [
    { at: 0.1, run: brokerKill('commands partition leader', commandsLeader) },
    { at: 0.35, run: brokerKill('transaction coordinator', transactionCoordinator) },
  ],
  duplicateRate: 0.2,
  poison: full ? 20 : 6,
  shippingTimeoutMs: SHIPPING_TIMEOUT_MS,
  seed: Number(process.env.CHAOS_SEED ?? 20261203),
  // A passing reduced run takes about 60-90 s in all; a stalled one fails after one wait of this length.
  timeoutMs: full ? 600_000 : 150_000,
  endpoints: cluster.endpoints,
  replicationFactor: CLUSTER_SIZE,
});

const started = Date.now();
let clusterStartMs = 0;
/** The cluster's start and the run, which bounds itself to 1.5 × its plan's timeout. */
const START_AND_RUN_MS = full ? 1_200_000 : 900_000;

beforeAll(async () => {
  stack = await startClusterStack(path.join(repoRoot, 'test-results', 'chaos', 'cluster-stack'));
  clusterStartMs = Date.now() - started;
  // A failed run fails the tests about the run, not the one about the cluster's topics.
  outcome = await runChaos(plan(stack)).catch((error: unknown) => {
    runFailure = error;
    return undefined;
  });
}, START_AND_RUN_MS);

/** The run's outcome, or the error that ended it. */
function ran(): ChaosOutcome {
  if (outcome === undefined) throw runFailure;
  return outcome;
}

afterAll(async () => {
  await stack?.stop();
}, 120_000);

test('a commands partition leader and a transaction coordinator were killed while orders were in flight', () => {
  const { elapsedMs } = ran();
  expect(kills.map((kill) => kill.role)).toEqual(['commands partition leader', 'transaction coordinator']);
  for (const kill of kills) expect(kill.unfinishedOrders).toBeGreaterThan(0);
  expect(runTopicsReplicas.length).toBeGreaterThan(0);
  expect(runTopicsReplicas.every((replicas) => replicas === CLUSTER_SIZE)).toBe(true);
  writeFigures(elapsedMs);
});

test('the committed records are exactly what the pure core decides: nothing lost, nothing duplicated', () => {
  const { commands, records, deadLetters } = ran();
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), commands, records);
  if (report.violations.length > 0) traceViolations(report.violations);
  expect(report.violations).toEqual([]);
  expect(report.instances.size).toBe(ORDERS);
  expect([...report.instances.values()].every((instance) => instance.status !== 'running')).toBe(true);
  expect(repeatedDeadLetters(deadLetters)).toEqual([]);
  expect(deadLetters).toHaveLength(report.deadLettered);
});

test('topics provisioned as the orchestrator does (no replication factor given) get three replicas', async () => {
  const topics = topicNames(testNamespace('cluster-provision').prefix);
  const brokers = stack!.endpoints.kafkaBrokers.split(',');
  const client = new Kafka({ brokers, clientId: 'cluster-provision', logLevel: logLevel.NOTHING }).admin();
  await client.connect();
  try {
    await provisionTopics(client, topics, { partitions: 2, transitionsRetentionMs: -1 });
    const states = await partitionStates(client, Object.values(topics));
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((state) => state.replicas.length === CLUSTER_SIZE)).toBe(true);
    await client.deleteTopics({ topics: Object.values(topics) });
  } finally {
    await client.disconnect();
  }
});

/** Figures of the run (measures, not assertions: recovery times depend on the machine). */
function writeFigures(runMs: number): void {
  const failoverMs = kills.map(({ topic, partition, at }) => {
    const first = (ran().records.get(partition) ?? []).find((record) => record.at >= at);
    return topic === TRANSACTION_STATE || first === undefined ? null : first.at - at;
  });
  const figures = {
    scale: full ? 'full' : 'reduced',
    orders: ORDERS,
    clusterStartMs,
    runMs,
    kills: kills.map((kill, i) => ({ ...kill, firstCommitAfterKillMs: failoverMs[i] })),
  };
  mkdirSync(path.join(repoRoot, 'test-results', 'chaos'), { recursive: true });
  writeFileSync(path.join(repoRoot, 'test-results', 'chaos', 'cluster.json'), `${JSON.stringify(figures)}\n`);
  process.stdout.write(`chaos cluster: ${JSON.stringify(figures)}\n`);
}

/** The records of the instances a violation names, as written (aborted ones too), to a file beside the figures. */
function traceViolations(violations: readonly string[]): void {
  const named = new Set(violations.flatMap((violation) => violation.match(/order-\d+/g) ?? []));
  const trace = ran().written.filter((record) => named.has(record.correlationId));
  const file = path.join(repoRoot, 'test-results', 'chaos', 'cluster-violations.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ violations, trace }, null, 1)}\n`);
  const first = [...named][0];
  const lines = trace
    .filter((record) => record.correlationId === first)
    .map(
      (r) =>
        `${r.partition}@${r.offset} ${r.producer} ${r.committed ? 'committed' : 'NOT committed'} ${r.kind} ${r.commandId} seq ${r.seq}`,
    );
  process.stdout.write(
    `chaos cluster: records of ${first} as written (all in ${file}):\n${lines.join('\n')}\n`,
  );
}
