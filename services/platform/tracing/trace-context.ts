// W3C Trace Context in Kafka headers: the header names, reading them off a record, and converting between a
// `traceparent` value and an OpenTelemetry SpanContext.
import { createTraceState, isSpanContextValid, TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { RecordHeaders } from '../kafka/records';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/** version 00 only; later versions may append fields, which this reads past as the spec asks. */
const TRACEPARENT_FORMAT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(-.*)?$/;

/** The first value of a header as text, or undefined when the record does not carry it. */
export function headerText(headers: RecordHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/** The remote span context a `traceparent` (and optional `tracestate`) names; undefined when invalid. */
export function parseTraceparent(traceparent: string, tracestate?: string): SpanContext | undefined {
  const match = TRACEPARENT_FORMAT.exec(traceparent.trim());
  if (match === null || match[1] === 'ff' || (match[1] === '00' && match[5] !== undefined)) return undefined;
  const context: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    traceState: tracestate === undefined ? undefined : createTraceState(tracestate),
  };
  return isSpanContextValid(context) ? context : undefined;
}

export function formatTraceparent(context: SpanContext): string {
  const flags = (context.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/** The headers that carry `context` to the next hop; empty for an invalid context. */
export function traceHeaders(context: SpanContext): Record<string, string> {
  if (!isSpanContextValid(context)) return {};
  const state = context.traceState?.serialize();
  const headers: Record<string, string> = { [TRACEPARENT]: formatTraceparent(context) };
  if (state !== undefined && state !== '') headers[TRACESTATE] = state;
  return headers;
}
