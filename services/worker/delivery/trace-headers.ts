// The W3C trace context a task carried, copied onto the result it causes so one trace spans the round trip.
import type { RecordHeaders } from '../../platform/kafka/records';
import { headerText, TRACEPARENT, TRACESTATE } from '../../platform/tracing/trace-context';

export const PROPAGATED_HEADERS = [TRACEPARENT, TRACESTATE] as const;

export function propagatedHeaders(headers: RecordHeaders | undefined): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = {};
  for (const name of PROPAGATED_HEADERS) {
    const value = headerText(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
