import { TraceFlags } from '@opentelemetry/api';
import { formatTraceparent, headerText, parseTraceparent, traceHeaders } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

test('a W3C traceparent parses to a remote span context and formats back to the same text', () => {
  const parsed = parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`, 'vendor=1');
  expect(parsed).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  expect(parsed?.isRemote).toBe(true);
  expect(formatTraceparent(parsed!)).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
  expect(traceHeaders(parsed!)).toEqual({
    traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
    tracestate: 'vendor=1',
  });
});

test('malformed, all-zero, version ff and extended version 00 traceparents are not trace context', () => {
  for (const value of [
    'not a traceparent',
    `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
    `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
    `ff-${TRACE_ID}-${SPAN_ID}-01`,
    `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
    `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
  ])
    expect(parseTraceparent(value)).toBeUndefined();
});

test('a later version with extra fields is read for its known fields; unknown flags are dropped', () => {
  expect(formatTraceparent(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-03-extra`)!)).toBe(
    `00-${TRACE_ID}-${SPAN_ID}-01`,
  );
});

test('a header is read as text from its first value, whether Buffer, string or array', () => {
  expect(headerText({ traceparent: Buffer.from('a') }, 'traceparent')).toBe('a');
  expect(headerText({ traceparent: ['b', 'c'] }, 'traceparent')).toBe('b');
  expect(headerText({}, 'traceparent')).toBeUndefined();
  expect(headerText(undefined, 'traceparent')).toBeUndefined();
});
