// Reports one committed batch: metrics per command, transition and task, and a log line per command about its
// instance (correlationId, commandId, seq, traceId). Runs only after the commit, so it reports what happened.
import type { Command, Instance, Transition } from '../../core';
import { instanceFields, type InstanceFields } from '../../platform/logging/instance-fields';
import type { Logger } from '../../platform/logging/logger';
import { CounterTally } from '../metrics/counter-tally';
import { taskLabels, type OrchestratorMetrics } from '../metrics/orchestrator-metrics';
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

type Decided = Exclude<DecidedCommand, { outcome: 'dlq' }>;
type DeadLetter = Extract<DecidedCommand, { outcome: 'dlq' }>;

/** The batch's counts, added to the counters once per label set when the batch is reported. */
interface Tallies {
  readonly outcomes: CounterTally<'outcome'>;
  readonly transitions: CounterTally<'workflow' | 'from' | 'to' | 'event'>;
  readonly finished: CounterTally<'workflow' | 'status'>;
  readonly tasks: CounterTally<'workflow' | 'type' | 'outcome' | 'attempt'>;
}

export function reportBatch(context: BatchReportContext, decision: BatchDecision): void {
  const { metrics } = context;
  const tallies: Tallies = {
    outcomes: new CounterTally(metrics.commandOutcomes, ['outcome']),
    transitions: new CounterTally(metrics.transitions, ['workflow', 'from', 'to', 'event']),
    finished: new CounterTally(metrics.finished, ['workflow', 'status']),
    tasks: new CounterTally(metrics.tasks, ['workflow', 'type', 'outcome', 'attempt']),
  };
  try {
    metrics.batchSize.observe(decision.commands.length);
    for (const t of decision.applied) reportTransition(context, tallies, t);
    for (const decided of decision.commands) {
      tallies.outcomes.add({ outcome: decided.outcome });
      const latency = (context.committedAt - Number(decided.inbound.timestamp)) / 1000;
      if (Number.isFinite(latency)) metrics.commandToCommitSeconds.observe(Math.max(0, latency));
      if (decided.outcome === 'dlq') logDeadLetter(context, decided);
      else {
        reportTasks(tallies, decided);
        logDecided(context, decided);
      }
    }
  } finally {
    for (const tally of Object.values(tallies)) tally.flush();
  }
}

function reportTransition(context: BatchReportContext, tallies: Tallies, t: Transition): void {
  tallies.transitions.add({ workflow: t.workflow, from: t.from ?? '', to: t.to, event: t.event });
  if (t.status !== 'running') tallies.finished.add({ workflow: t.workflow, status: t.status });
  const dwell = context.clock.advance(t);
  if (dwell !== null && t.from !== null)
    context.metrics.dwellSeconds.observe({ workflow: t.workflow, state: t.from }, dwell);
}

/** Attempts the step publishes, and the result it applied, with the type and attempt of the task it closed. */
function reportTasks(tallies: Tallies, { command, before, step }: Decided): void {
  for (const task of step.tasks)
    tallies.tasks.add(taskLabels(task.workflow, task.type, 'requested', task.attempt));
  if (command.type !== 'task-result' || step.decision.kind !== 'applied' || before === undefined) return;
  const open = before.openTasks.find((task) => task.taskId === command.taskId);
  if (open !== undefined)
    tallies.tasks.add(taskLabels(before.workflow, open.type, command.outcome.kind, open.attempt));
}

function fieldsOf(inbound: InboundCommand, command: Command | undefined, after?: Instance) {
  return instanceFields({
    correlationId: command?.correlationId ?? inbound.key?.toString() ?? null,
    commandId: command?.commandId ?? null,
    seq: after?.seq ?? null,
    traceparent: traceparentOf(inbound.headers),
  });
}

function logDecided(context: BatchReportContext, { inbound, command, before, step, outcome }: Decided): void {
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
      event: command.type === 'signal' ? command.event : undefined,
      outcome,
      from: moved[0]?.from,
      to: moved.at(-1)?.to,
      input: command.type === 'start' ? command.input : undefined,
      payload: command.type === 'signal' ? command.payload : undefined,
    },
    'command decided',
  );
  if (after !== undefined)
    logger.trace({ ...ids, state: after.state, context: after.context }, 'instance after command');
}

function logDeadLetter(context: BatchReportContext, { inbound, command, code, reason }: DeadLetter): void {
  context.logger.warn(
    { ...fieldsOf(inbound, command), partition: context.partition, offset: inbound.offset, code, reason },
    'command dead-lettered',
  );
}
