// Spans that continue a trace from another process: started as children of the context a Kafka record or an HTTP
// request carried (a new root when it carried none), and turned back into headers for the next hop.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { parseTraceparent, traceHeaders } from './trace-context';

export interface RemoteParent {
  readonly traceparent: string | undefined;
  readonly tracestate?: string | undefined;
}

export interface SpanStart {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parent: RemoteParent;
  readonly attributes?: Attributes;
}

export { SpanKind };

/** A span whose parent is the remote context; an absent or malformed traceparent starts a new trace. */
export function startRemoteChild(tracer: Tracer, start: SpanStart): Span {
  const { traceparent, tracestate } = start.parent;
  const remote = traceparent === undefined ? undefined : parseTraceparent(traceparent, tracestate);
  const parent = remote === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remote);
  return tracer.startSpan(start.name, { kind: start.kind, attributes: start.attributes }, parent);
}

/** The traceparent (and tracestate) naming `span` as the parent of whatever the next hop does. */
export function headersOf(span: Span): Record<string, string> {
  return traceHeaders(span.spanContext());
}

/** Marks the span failed with the error, without ending it. */
export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** Runs `work` inside a span started by `startRemoteChild`, ending it however `work` settles. */
export async function inRemoteChild<T>(
  tracer: Tracer,
  start: SpanStart,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const span = startRemoteChild(tracer, start);
  try {
    return await work(span);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
