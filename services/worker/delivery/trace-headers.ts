// The W3C trace context a task carried, copied onto the result it causes so one trace spans the round trip.
import type { IHeaders } from 'kafkajs';
import { headerText, TRACEPARENT, TRACESTATE } from '../../platform/tracing/trace-context';

export const PROPAGATED_HEADERS = [TRACEPARENT, TRACESTATE] as const;

export function propagatedHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const name of PROPAGATED_HEADERS) {
    const value = headerText(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
