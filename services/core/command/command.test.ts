// What parseCommand accepts: ids within their limits and printable, JSON within the depth limit.
import {
  MAX_CORRELATION_ID_LENGTH,
  MAX_JSON_DEPTH,
  parseCommand,
  runIdOf,
  taskIdOf,
  timerCommandId,
} from '../index';

const start = (correlationId: string, input: unknown = {}) => ({
  commandId: 'c-1',
  correlationId,
  workflow: 'w',
  actor: 'test',
  timestamp: 1,
  type: 'start',
  input,
});

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

test('a new instance’s correlation id has at most MAX_CORRELATION_ID_LENGTH characters', () => {
  expect(parseCommand(start('x'.repeat(MAX_CORRELATION_ID_LENGTH))).ok).toBe(true);
  expect(parseCommand(start('x'.repeat(MAX_CORRELATION_ID_LENGTH + 1)))).toMatchObject({ ok: false });
});

test('every id derived from the longest correlation id fits the command id limit', () => {
  const id = 'x'.repeat(MAX_CORRELATION_ID_LENGTH);
  const run = runIdOf(taskIdOf(id, 'abcdefghij', 2 ** 31, 9_999), 9_999);
  const timer = timerCommandId(`${run}/retry`);
  const result = {
    ...start(id),
    commandId: timer,
    type: 'timer-fired',
    timerId: `${run}/retry`,
  };
  expect(parseCommand(result).ok).toBe(true);
});

test('ids with control or format characters are refused', () => {
  for (const id of ['order\u001b[2J', 'order\r1', 'order\u202e1', 'line\u2028break']) {
    expect(parseCommand(start(id))).toMatchObject({ ok: false });
  }
  expect(parseCommand(start('zoë-ünïcode-✓')).ok).toBe(true);
});

test('JSON nested deeper than MAX_JSON_DEPTH is refused with that reason, at any depth without a crash', () => {
  expect(parseCommand(start('order-1', nested(MAX_JSON_DEPTH - 1))).ok).toBe(true);
  for (const levels of [MAX_JSON_DEPTH + 1, 1_000, 100_000]) {
    expect(parseCommand(start('order-1', nested(levels)))).toEqual({
      ok: false,
      message: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
  }
});
