// One chaos run over the order saga: a fleet of orchestrators, the traffic, and the disturbances
// (kill -9 and restart, Redis wiped) triggered at progress milestones. When every order has
// finished, the fleet is stopped and the committed logs are read back for the checker.
import { setTimeout as delay } from 'node:timers/promises';
import { eventually } from '../harness/eventually';
import type { Endpoints } from '../harness/namespace';
import type { ServiceProcess } from '../harness/process-fleet';
import { ChaosRig, type CommittedLogs } from './chaos-rig';
import { orderCommands, prng, withChaos } from './order-traffic';
import { poisonMessages } from './poison';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';

export interface ChaosPlan {
  readonly label: string;
  readonly orders: number;
  readonly orchestrators: number;
  readonly partitions: number;
  /**
   * Fractions of finished orders at which a random orchestrator is killed (-9) and restarted, each once the
   * group has settled after the previous one.
   */
  readonly killsAt: readonly number[];
  /** Fraction of finished orders at which Redis is flushed and an orchestrator restarted, if any. */
  readonly wipeRedisAt?: number;
  readonly duplicateRate: number;
  readonly poison: number;
  readonly shippingTimeoutMs: number;
  readonly seed: number;
  /** Bounds each wait of the run; the whole run is bounded by `RUN_BOUND` times it (the tests' hooks allow 2×). */
  readonly timeoutMs: number;
  /** Kafka, registry and Redis to run on; the global setup's when absent. */
  readonly endpoints?: Endpoints;
  /** Replicas of each topic of the run; 1 when absent. */
  readonly replicationFactor?: number;
  /** Where the orchestrators and the task responder reach Kafka (a proxy); the run's brokers when absent. */
  readonly serviceBrokers?: string;
  /**
   * The orders go out in chunks spread evenly over this long, so that kills late in the run still find work
   * on the partitions they move; all at once when absent.
   */
  readonly trafficSpreadMs?: number;
  /** The last `heldBack` orders are not sent with the traffic: a disturbance of the plan sends them. */
  readonly heldBack?: number;
  /** Disturbances of the plan's own (a broker killed, ...), each awaited at its fraction of finished orders. */
  readonly disturbances?: readonly Disturbance[];
  /** Also read the transitions as written, aborted ones included, to explain a violation (`written`). */
  readonly traceWritten?: boolean;
}

/** A disturbance of the test's own, run once `at` (a fraction) of the orders have finished. */
export interface Disturbance {
  readonly at: number;
  readonly run: (rig: ChaosRig) => Promise<void>;
}

/** One kill -9: when, and the partitions its victim owned. */
export interface Kill {
  readonly at: number;
  readonly partitions: readonly number[];
}

export interface ChaosOutcome extends CommittedLogs {
  readonly kills: number;
  /** Per kill, ms from the kill to the first commit on every moved partition that had work (failover). */
  readonly failoverMs: readonly number[];
  readonly wiped: boolean;
  readonly sent: number;
  readonly elapsedMs: number;
}

/** Orders per send when the traffic is spread over the run. */
const SPREAD_CHUNK = 10;

/** A settled group is a few session timeouts away at most; longer means the fleet is stuck. */
const SETTLE_TIMEOUT_MS = 90_000;

/** The whole run may take this many times `timeoutMs`, so that a stuck run says where before its test's hook ends. */
const RUN_BOUND = 1.5;

export const chaosScale = (): 'full' | 'reduced' => (process.env.CHAOS_SCALE === 'full' ? 'full' : 'reduced');

/** Where a run is: the step it began last, and its rig once open. */
interface Progress {
  step: string;
  rig?: ChaosRig;
}

/**
 * Runs `plan`. A run that takes longer than `RUN_BOUND × timeoutMs` (a wait without a bound of its own that never
 * ended, say) stops its orchestrators and rejects, naming the step it was at.
 */
export async function runChaos(plan: ChaosPlan): Promise<ChaosOutcome> {
  const boundMs = plan.timeoutMs * RUN_BOUND;
  const progress: Progress = { step: 'starting' };
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const stuck = new Error(`chaos run ${plan.label} took over ${boundMs} ms; it was ${progress.step}`);
      void Promise.resolve(progress.rig?.fleet.stopAll()).finally(() => reject(stuck));
    }, boundMs);
  });
  try {
    return await Promise.race([run(plan, progress), overdue]);
  } finally {
    clearTimeout(timer);
  }
}

async function run(plan: ChaosPlan, progress: Progress): Promise<ChaosOutcome> {
  const at = (step: string) => {
    progress.step = step;
  };
  const random = prng(plan.seed);
  const rig = await ChaosRig.open({
    label: plan.label,
    partitions: plan.partitions,
    expectedInstances: plan.orders,
    shippingTimeoutMs: plan.shippingTimeoutMs,
    duplicateRate: plan.duplicateRate,
    random,
    endpoints: plan.endpoints,
    replicationFactor: plan.replicationFactor,
    serviceBrokers: plan.serviceBrokers,
    at,
  });
  progress.rig = rig;
  try {
    const started = Date.now();
    for (let i = 0; i < plan.orchestrators; i++) rig.startOrchestrator();
    at('starting the task responder');
    await rig.startResponder();
    const sending = sendTraffic(rig, plan, random);
    // A failed send fails the run when awaited below; until then it must not count as unhandled.
    sending.catch(() => undefined);
    const killed: Kill[] = [];
    const restartOne = async () => {
      // An orchestrator that owns partitions, when there is one: killing one that owns none moves nothing, and
      // its failover could not be measured.
      const running = rig.fleet.list();
      const owners = running.filter((service) => rig.partitionsOf(service).length > 0);
      const victims = owners.length > 0 ? owners : running;
      const victim = victims[Math.floor(random() * victims.length)] as ServiceProcess;
      killed.push({ at: Date.now(), partitions: rig.partitionsOf(victim) });
      at(`killing orchestrator ${victim.child.pid}`);
      await rig.fleet.kill(victim);
      rig.startOrchestrator();
    };
    let kills = 0;
    const killStep = (at: number): Disturbance => ({
      at,
      run: async () => {
        // A kill of a settled group measures one failover; a kill while the group still waits for an earlier
        // victim's session to expire would add the two.
        await eventually(
          'the orchestrator group to settle (every partition owned once)',
          () => rig.settled(),
          {
            timeoutMs: SETTLE_TIMEOUT_MS,
          },
        );
        await restartOne();
        kills += 1;
      },
    });
    // Stable sort: at the same fraction an orchestrator kill comes before the plan's own disturbance.
    const steps = [...plan.killsAt.map(killStep), ...(plan.disturbances ?? [])].sort((a, b) => a.at - b.at);
    for (const step of steps) {
      at(`waiting for ${step.at} of the orders to finish`);
      await rig.watcher.finished(Math.ceil(plan.orders * step.at), plan.timeoutMs);
      at(`running the disturbance at ${step.at}`);
      await step.run(rig);
    }
    let wiped = false;
    if (plan.wipeRedisAt !== undefined) {
      at(`waiting for ${plan.wipeRedisAt} of the orders to finish`);
      await rig.watcher.finished(Math.ceil(plan.orders * plan.wipeRedisAt), plan.timeoutMs);
      at('wiping Redis');
      await rig.redis.flushall();
      wiped = true;
      await restartOne();
    }
    at('sending the traffic');
    const sent = await sending;
    at('waiting for every order to finish');
    await rig.watcher.finished(plan.orders, plan.timeoutMs);
    at('stopping the orchestrators');
    await rig.fleet.stopAll();
    const elapsedMs = Date.now() - started;
    at('reading the logs back');
    const logs = await rig.readLogs(plan.traceWritten);
    return { ...logs, kills, failoverMs: failovers(killed, logs), wiped, sent, elapsedMs };
  } finally {
    at('closing the rig');
    await rig.close();
  }
}

/**
 * For each kill, the time until every partition the victim owned committed again (the first record decided
 * after the kill, on each such partition that still had work; `at` is when the batch was decided, just before
 * its commit). Kills whose partitions had no work left are not counted.
 */
function failovers(kills: readonly Kill[], logs: CommittedLogs): number[] {
  return kills.flatMap(({ at, partitions }) => {
    const resumed = partitions.flatMap((partition) => {
      const first = (logs.records.get(partition) ?? []).find((record) => record.at >= at);
      return first === undefined ? [] : [first.at - at];
    });
    return resumed.length === 0 ? [] : [Math.max(...resumed)];
  });
}

async function sendTraffic(rig: ChaosRig, plan: ChaosPlan, random: () => number): Promise<number> {
  const producer = rig.kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    let sent = 0;
    const orders = plan.orders - (plan.heldBack ?? 0);
    const spread = plan.trafficSpreadMs ?? 0;
    const chunk = spread > 0 ? SPREAD_CHUNK : 50;
    const began = Date.now();
    for (let start = 0; start < orders; start += chunk) {
      const due = began + (spread * start) / orders;
      if (due > Date.now()) await delay(due - Date.now());
      const now = Date.now();
      const ids = Array.from({ length: Math.min(chunk, orders - start) }, (_, i) => `order-${start + i}`);
      const messages = ids.flatMap((orderId) =>
        withChaos(orderCommands(orderId, now), random, plan.duplicateRate).map((command) => ({
          key: orderId,
          value: rig.codec.encode('command', toCommandEnvelope(command)),
        })),
      );
      const poisonHere =
        Math.round((plan.poison * (start + ids.length)) / orders) -
        Math.round((plan.poison * start) / orders);
      messages.push(...poisonMessages(rig.codec, poisonHere, start));
      await producer.send({ topic: rig.topics.commands, messages });
      sent += messages.length;
    }
    return sent;
  } finally {
    await producer.disconnect();
  }
}
