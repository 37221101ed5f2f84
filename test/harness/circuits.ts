// What the circuit tests share: a one-task payment workflow, an operator's circuit-settings command, and a view
// of a transitions tail that finds health records, an instance's transitions and its deferred (parked) runs.
import { z } from 'zod';
import {
  HEALTH_WORKFLOW,
  healthKey,
  setup,
  type CircuitRule,
  type CircuitSettingsCommand,
  type CommandId,
  type CorrelationId,
  type HealthRecord,
  type LogRecord,
  type OpenTask,
  type Transition,
} from '../../services/core';
import {
  createWorker,
  RedisResultStore,
  RetryableTaskError,
  taskHandler,
  type Worker,
} from '../../services/worker';
import { eventually } from './eventually';
import type { OrchestratorFixture } from './orchestrator-fixture';
import type { TopicTail } from './topic-tail';

/** `payment@1`: one `pay` task, retried every 200 ms up to `maxAttempts`; completed when it succeeds. */
export const paymentWorkflow = (maxAttempts = 10) =>
  setup({
    types: {} as { context: object },
    input: z.object({}),
    events: {},
    tasks: { pay: { retry: { maxAttempts, backoff: { kind: 'fixed', ms: 200 }, jitter: 0 } } },
  }).define({
    name: 'payment',
    version: 1,
    initial: 'paying',
    context: () => ({}),
    states: {
      paying: { invoke: { tasks: [{ task: 'pay' }], onDone: 'paid', onError: 'failed' } },
      paid: { final: 'completed' },
      failed: { final: 'failed' },
    },
  });

export interface PayWorkerOptions {
  readonly name: string;
  /** Asked at each run: true makes the run fail as a retryable "payment provider down". */
  readonly failing: () => boolean;
  /** Counts each run by its run id, so a run executed twice shows as 2. */
  readonly runs?: Map<string, number>;
  readonly heartbeatMs?: number;
}

/** A started worker of the fixture's namespace whose `pay` handler fails while `failing()` says so. */
export async function startPayWorker(
  fixture: OrchestratorFixture,
  options: PayWorkerOptions,
): Promise<Worker> {
  const { runs, failing } = options;
  const worker = createWorker({
    log: fixture.log,
    codec: fixture.codec,
    results: new RedisResultStore(fixture.redis, { redisPrefix: fixture.namespace.redisPrefix }),
    topics: fixture.topics,
    groupId: `${fixture.namespace.groupId}.workers`,
    name: options.name,
    logger: fixture.logger,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    handlers: {
      pay: taskHandler(z.object({}), async (_input, ctx) => {
        runs?.set(ctx.runId, (runs.get(ctx.runId) ?? 0) + 1);
        if (failing()) throw new RetryableTaskError('payment provider down', 'unavailable');
        return {};
      }),
    },
  });
  await worker.start();
  return worker;
}

/** Opens after two failures in a row and stays open for ten minutes unless a test says otherwise. */
export const PAY_RULE: CircuitRule = {
  window: 10,
  failureRate: 1,
  minCalls: 10,
  consecutiveFailures: 2,
  openMs: 600_000,
  probes: 1,
  resumePerSecond: 20,
};

export interface CircuitChange {
  readonly rule?: CircuitRule;
  readonly hold?: 'open' | 'closed' | null;
  readonly maxInFlight?: number | null;
  readonly perSecond?: number | null;
}

/** An operator's `circuit-settings` command for `taskType`, as the gateway's circuit route writes it. */
export function circuitSettings(
  commandId: string,
  change: CircuitChange,
  taskType = 'pay',
): CircuitSettingsCommand {
  return {
    type: 'circuit-settings',
    commandId: commandId as CommandId,
    correlationId: healthKey(taskType) as CorrelationId,
    workflow: HEALTH_WORKFLOW,
    actor: 'ops@example.com',
    timestamp: Date.now(),
    expectedSeq: null,
    sourceSeq: null,
    taskType,
    hold: change.hold,
    rule: change.rule,
    maxInFlight: change.maxInFlight,
    ...(change.perSecond === undefined ? {} : { perSecond: change.perSecond }),
  };
}

/** Health records, transitions and deferred runs as a transitions tail has seen them so far. */
export class CircuitLog {
  constructor(private readonly tail: TopicTail<LogRecord>) {}

  healthRecords(): HealthRecord[] {
    return this.tail
      .values()
      .filter((r) => (r as { kind: string }).kind === 'health') as unknown as HealthRecord[];
  }

  /** Health records with the partition each was logged on, in the order they were read. */
  healthSeen(): { readonly partition: number; readonly record: HealthRecord }[] {
    return this.tail.seen
      .filter((entry) => (entry.value as { kind: string }).kind === 'health')
      .map((entry) => ({ partition: entry.partition, record: entry.value as unknown as HealthRecord }));
  }

  /** The latest circuit phase of `taskType` on each partition that logged one. */
  phaseByPartition(taskType = 'pay'): Map<number, string | undefined> {
    const phases = new Map<number, string | undefined>();
    for (const { partition, record } of this.healthSeen())
      if (record.taskType === taskType) phases.set(partition, record.entry.circuit?.phase);
    return phases;
  }

  /** The circuit phases of `pay`'s health records, in log order. */
  phases(taskType = 'pay'): (string | undefined)[] {
    return this.healthRecords()
      .filter((r) => r.taskType === taskType)
      .map((r) => r.entry.circuit?.phase);
  }

  moves(id: string): Transition[] {
    return this.tail
      .values()
      .filter((r): r is Transition => r.kind === 'transition' && r.correlationId === id);
  }

  /** The run the circuit deferred, once one of `id`'s transitions parks it. */
  waitParked(id: string, timeoutMs = 30_000): Promise<OpenTask> {
    return eventually(
      `${id} to be deferred by the circuit`,
      () =>
        this.moves(id)
          .flatMap((t) => t.tasks.put)
          .find((task) => task.parked),
      { timeoutMs },
    );
  }

  waitCompleted(id: string, timeoutMs = 60_000): Promise<true> {
    return eventually(`${id} to complete`, () => this.moves(id).some((t) => t.status === 'completed'), {
      timeoutMs,
    });
  }
}
