import { traceIdOf } from './instance-fields';

test('the trace id is the second field of a W3C traceparent', () => {
  expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
    '4bf92f3577b34da6a3ce929d0e0e4736',
  );
});

test('a missing, malformed or all-zero traceparent gives no trace id', () => {
  expect(traceIdOf(undefined)).toBeNull();
  expect(traceIdOf('not a traceparent')).toBeNull();
  expect(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeNull();
});
