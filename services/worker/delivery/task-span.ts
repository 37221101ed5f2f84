// The `task.run` span of one delivered task: a child of the traceparent the task carried, and the parent its
// task-result names, so the orchestrator's decision on the result continues the same trace.
import type { SpanStart } from '../../platform/tracing/remote-span';
import { SpanKind } from '../../platform/tracing/remote-span';
import { headerText, TRACEPARENT, TRACESTATE } from '../../platform/tracing/trace-context';
import type { ConsumedRecord } from '../../platform/kafka/records';
import type { DeliveredTask } from '../task/delivered-task';

export const WORKER_SCOPE = 'statewright-worker';

export function taskRunSpan(task: DeliveredTask, message: ConsumedRecord): SpanStart {
  const { context } = task;
  return {
    name: 'task.run',
    kind: SpanKind.CONSUMER,
    parent: {
      traceparent: headerText(message.headers, TRACEPARENT),
      tracestate: headerText(message.headers, TRACESTATE),
    },
    attributes: {
      'messaging.system': 'kafka',
      'messaging.kafka.offset': Number(message.offset),
      'statewright.task.type': context.type,
      'statewright.task.id': task.taskId,
      'statewright.task.run_id': context.runId,
      'statewright.correlation_id': context.correlationId,
      'statewright.workflow': context.workflow,
    },
  };
}
