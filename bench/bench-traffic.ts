// Commands for the bench flow, prepared in advance: a start and both task results per instance. Task
// and run ids are deterministic (`correlationId/incarnation/seq/index#attempt`, the incarnation derived from
// the start command), so results can be sent before the tasks exist; in partition order they arrive after the
// transition that opens them.
import { commandId, correlationId, incarnationOf, runIdOf, taskIdOf, type Command } from '../services/core';
import { BENCH_FLOW } from '../examples/bench-flow/definition';

const envelope = (id: string, command: string, now: number) => ({
  commandId: commandId(command),
  correlationId: correlationId(id),
  workflow: BENCH_FLOW,
  actor: 'bench',
  timestamp: now,
  expectedSeq: null,
  sourceSeq: null,
});

export function startOf(id: string, now: number): Command {
  return { ...envelope(id, `${id}:start`, now), type: 'start', input: { id, amount: 10 }, version: null };
}

/** The result of the task opened by transition `seq` (validate at 1, charge at 2). */
export function resultOf(id: string, seq: number, now: number): Command {
  const taskId = taskIdOf(correlationId(id), incarnationOf(`${id}:start`, now), seq, 0);
  const runId = runIdOf(taskId, 1);
  return {
    ...envelope(id, runId, now),
    type: 'task-result',
    taskId,
    runId,
    outcome: { kind: 'succeeded', output: { ok: true } },
  };
}

export const instanceCommands = (id: string, now: number): Command[] => [
  startOf(id, now),
  resultOf(id, 1, now),
  resultOf(id, 2, now),
];
