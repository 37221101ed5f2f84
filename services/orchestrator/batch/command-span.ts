// The `command.decide` span of one consumed command: a child of the traceparent the command carried, and the
// parent its transitions and tasks name. Without a registered tracer the command's own context is copied as is.
import type { Span, Tracer } from '@opentelemetry/api';
import type { Command } from '../../core';
import type { RecordHeaders } from '../../platform/kafka/records';
import { headersOf, recordFailure, SpanKind, startRemoteChild } from '../../platform/tracing/remote-span';
import { headerText, TRACEPARENT, TRACESTATE } from '../../platform/tracing/trace-context';
import type { InboundCommand } from './inbound-command';

export const ORCHESTRATOR_SCOPE = 'statewright-orchestrator';

export function startDecideSpan(tracer: Tracer, inbound: InboundCommand, partition: number): Span {
  return startRemoteChild(tracer, {
    name: 'command.decide',
    kind: SpanKind.CONSUMER,
    parent: {
      traceparent: headerText(inbound.headers, TRACEPARENT),
      tracestate: headerText(inbound.headers, TRACESTATE),
    },
    attributes: {
      'messaging.system': 'kafka',
      'messaging.destination.partition.id': String(partition),
      'messaging.kafka.offset': Number(inbound.offset),
    },
  });
}

/** Names what the command was and what became of it (`deadLetter`: why it could not be decided), then ends the span. */
export function endDecideSpan(
  span: Span,
  command: Command | undefined,
  outcome: string,
  deadLetter?: string,
): void {
  span.setAttributes({
    'statewright.command.type': command?.type,
    'statewright.command.id': command?.commandId,
    'statewright.correlation_id': command?.correlationId,
    'statewright.workflow': command?.workflow,
    'statewright.outcome': outcome,
  });
  if (deadLetter !== undefined) recordFailure(span, new Error(deadLetter));
  span.end();
}

/** The trace headers of the command's outputs: the decide span's context, or the command's own without one. */
export function outputTraceHeaders(span: Span | undefined, headers: RecordHeaders): RecordHeaders {
  if (span !== undefined) return headersOf(span);
  const traceparent = headerText(headers, TRACEPARENT);
  return traceparent === undefined ? {} : { [TRACEPARENT]: traceparent };
}
