// The W3C trace context a task carried, copied onto the result it causes so one trace spans the round trip.
import type { IHeaders } from 'kafkajs';

export const PROPAGATED_HEADERS = ['traceparent', 'tracestate'] as const;

export function propagatedHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const name of PROPAGATED_HEADERS) {
    const raw = headers?.[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}
