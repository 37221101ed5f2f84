// Reports one committed batch: metrics per command, transition and task, and a log line per command about its
// instance (correlationId, commandId, seq, traceId). Runs only after the commit, so it reports what happened.
import type { Instance, TaskOutcome, Transition } from '../../core';
import { instanceFields, type InstanceFields } from '../../platform/logging/instance-fields';
import type { Logger } from '../../platform/logging/logger';
import type { OrchestratorMetrics } from '../metrics/orchestrator-metrics';
import type { StateClock } from '../partition/state-clock';
import type { BatchDecision, DecidedCommand } from './batch-decision';
import { traceparentOf, type InboundCommand } from './inbound-command';

export interface BatchReportContext {
  readonly metrics: OrchestratorMetrics;
  readonly logger: Logger;
  readonly clock: StateClock;
  readonly partition: number;
  /** When the transaction committed, epoch ms. */
  readonly committedAt: number;
}

export function reportBatch(
  context: BatchReportContext,
  commands: readonly InboundCommand[],
  decision: BatchDecision,
): void {
  const { metrics } = context;
  metrics.batchSize.observe(commands.length);
  for (const outcome of decision.outcomes) metrics.commandOutcomes.inc({ outcome });
  for (const t of decision.applied) reportTransition(context, t);
  commands.forEach((inbound, index) => {
    const latency = (context.committedAt - Number(inbound.timestamp)) / 1000;
    if (Number.isFinite(latency)) metrics.commandToCommitSeconds.observe(Math.max(0, latency));
    const decided = decision.decided[index];
    if (decided === undefined) logDeadLetter(context, inbound);
    else {
      reportTasks(metrics, decided);
      logDecided(context, inbound, decided, decision.outcomes[index] ?? decided.step.decision.kind);
    }
  });
}

function reportTransition(context: BatchReportContext, t: Transition): void {
  const { metrics } = context;
  metrics.transitions.inc({ workflow: t.workflow, from: t.from ?? '', to: t.to, event: t.event });
  if (t.status !== 'running') metrics.finished.inc({ workflow: t.workflow, status: t.status });
  const dwell = context.clock.advance(t);
  if (dwell !== null && t.from !== null)
    metrics.dwellSeconds.observe({ workflow: t.workflow, state: t.from }, dwell);
}

/** Attempts the step publishes, and the result it applied, with the type and attempt of the task it closed. */
function reportTasks(metrics: OrchestratorMetrics, { command, before, step }: DecidedCommand): void {
  for (const task of step.tasks) metrics.task(task.workflow, task.type, 'requested', task.attempt);
  if (command.type !== 'task-result' || step.decision.kind !== 'applied' || before === undefined) return;
  const open = before.openTasks.find((task) => task.taskId === command.taskId);
  const outcome = (command.outcome as TaskOutcome | undefined)?.kind;
  if (open !== undefined && outcome !== undefined)
    metrics.task(before.workflow, open.type, outcome, open.attempt);
}

function fieldsOf(inbound: InboundCommand, command: Record<string, unknown> | undefined, after?: Instance) {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return instanceFields({
    correlationId: text(command?.correlationId) ?? inbound.key?.toString() ?? null,
    commandId: text(command?.commandId),
    seq: after?.seq ?? null,
    traceparent: traceparentOf(inbound.headers),
  });
}

function logDecided(
  context: BatchReportContext,
  inbound: InboundCommand,
  { command, before, step }: DecidedCommand,
  outcome: string,
): void {
  const { logger, partition } = context;
  if (!logger.isLevelEnabled('debug')) return;
  const after = step.instance ?? before;
  const ids: InstanceFields = fieldsOf(inbound, command, after);
  const moved = step.records.filter((record): record is Transition => record.kind === 'transition');
  logger.debug(
    {
      ...ids,
      partition,
      offset: inbound.offset,
      workflow: command.workflow,
      command: command.type,
      event: command.event,
      outcome,
      from: moved[0]?.from,
      to: moved.at(-1)?.to,
      input: command.input,
      payload: command.payload,
    },
    'command decided',
  );
  if (after !== undefined)
    logger.trace({ ...ids, state: after.state, context: after.context }, 'instance after command');
}

function logDeadLetter(context: BatchReportContext, inbound: InboundCommand): void {
  const decoded = inbound.decoded;
  const command = decoded.ok ? decoded.command : undefined;
  context.logger.warn(
    {
      ...fieldsOf(inbound, command),
      partition: context.partition,
      offset: inbound.offset,
      code: decoded.ok ? undefined : decoded.code,
      reason: decoded.ok ? undefined : decoded.reason,
    },
    'command dead-lettered',
  );
}
