// Order-saga load through real orchestrator processes, as the chaos suite drives it: its own topics and Redis
// prefix, a task responder, order traffic with a W3C traceparent per order plus poison, and each process's
// metrics port read from its `metrics listening` log line. `close` stops everything and removes what it made.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ChaosRig } from '../chaos/chaos-rig';
import { orderCommands, prng, withChaos } from '../chaos/order-traffic';
import { poisonMessages } from '../chaos/poison';
import { repoRoot } from '../harness/infrastructure';
import { ProcessOutput } from './process-output';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';

export interface RunPlan {
  readonly label: string;
  readonly orders: number;
  readonly partitions: number;
  /** One orchestrator per entry, started with that LOG_LEVEL. */
  readonly logLevels: readonly string[];
  readonly shippingTimeoutMs: number;
}

export class ObservedRun {
  /** orderId → the trace id its driver commands carried. */
  readonly traceIds = new Map<string, string>();
  readonly metricsPorts: number[] = [];

  private constructor(
    readonly plan: RunPlan,
    readonly rig: ChaosRig,
  ) {}

  /** Topics, orchestrators (metrics ports known) and the responder; no traffic yet. */
  static async open(plan: RunPlan): Promise<ObservedRun> {
    const rig = await ChaosRig.open({
      label: plan.label,
      partitions: plan.partitions,
      expectedInstances: plan.orders,
      shippingTimeoutMs: plan.shippingTimeoutMs,
      duplicateRate: 0.2,
      random: prng(7),
    });
    const run = new ObservedRun(plan, rig);
    try {
      const services = plan.logLevels.map((level) =>
        rig.fleet.start('orchestrator', 'services/orchestrator/main.js', { LOG_LEVEL: level }),
      );
      const outputs = services.map((service) => new ProcessOutput(service));
      for (const output of outputs) {
        const [, port] = await output.waitFor(/"metricsPort":(\d+)/);
        run.metricsPorts.push(Number(port));
      }
      // Each process owning a partition means the group has settled: traffic reaches all of them.
      for (const output of outputs)
        await output.waitFor(/"partitions":\[\d[^\]]*\],"msg":"orchestrator ready"/);
      await rig.startResponder();
      return run;
    } catch (error) {
      await rig.close();
      throw error;
    }
  }

  get metricsTargets(): string[] {
    return this.metricsPorts.map((port) => `127.0.0.1:${port}`);
  }

  get logDir(): string {
    return path.join(repoRoot, 'test-results', 'chaos', this.rig.ns.prefix);
  }

  /** Sends orders `first` … `first + count - 1` (duplicates and reordering included) and `poison` bad records. */
  async sendOrders(first: number, count: number, poison: number): Promise<void> {
    const { rig } = this;
    const random = prng(first + 11);
    const now = Date.now();
    const messages = [];
    for (let i = first; i < first + count; i++) {
      const orderId = `order-${i}`;
      const traceId = randomBytes(16).toString('hex');
      this.traceIds.set(orderId, traceId);
      for (const command of withChaos(orderCommands(orderId, now), random, 0.2)) {
        const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
        const value = rig.codec.encode('command', toCommandEnvelope(command));
        messages.push({ key: orderId, value, headers: { traceparent } });
      }
    }
    messages.push(...poisonMessages(rig.codec, poison, first));
    const producer = rig.kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      await producer.send({ topic: rig.topics.commands, messages });
    } finally {
      await producer.disconnect();
    }
  }

  /** Resolves once `count` orders (all by default) reached a final state in the committed log. */
  finished(timeoutMs: number, count = this.plan.orders): Promise<void> {
    return this.rig.watcher.finished(count, timeoutMs);
  }

  async stopOrchestrators(): Promise<void> {
    await this.rig.fleet.stopAll();
  }

  /** Every line the orchestrators wrote (stdout and stderr), from their log files. */
  async logLines(): Promise<string[]> {
    const files = (await readdir(this.logDir)).filter((file) => file.startsWith('orchestrator-'));
    const texts = await Promise.all(files.map((file) => readFile(path.join(this.logDir, file), 'utf8')));
    return texts.flatMap((text) => text.split('\n')).filter((line) => line.length > 0);
  }

  async close(): Promise<void> {
    await this.rig.close();
  }
}
