// The keys every log line about a workflow instance carries, so one grep follows an instance or a trace.
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
const INVALID_TRACE_ID = '0'.repeat(32);

export interface InstanceFields {
  readonly correlationId: string | null;
  readonly commandId: string | null;
  /** The instance's seq after the command; null when no instance exists. */
  readonly seq: number | null;
  /** The W3C trace id the command carried; null when it carried no valid traceparent. */
  readonly traceId: string | null;
}

/** The trace id of a W3C `traceparent` header value, or null when absent or malformed. */
export function traceIdOf(traceparent: string | undefined): string | null {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  const traceId = match?.[1];
  return traceId === undefined || traceId === INVALID_TRACE_ID ? null : traceId;
}

export function instanceFields(fields: {
  readonly correlationId: string | null;
  readonly commandId: string | null;
  readonly seq: number | null;
  readonly traceparent: string | undefined;
}): InstanceFields {
  return {
    correlationId: fields.correlationId,
    commandId: fields.commandId,
    seq: fields.seq,
    traceId: traceIdOf(fields.traceparent),
  };
}
