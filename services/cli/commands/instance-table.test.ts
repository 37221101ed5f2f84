import { instanceTable } from './instance-table';

const item = {
  correlationId: 'order-1',
  workflow: 'order-saga',
  version: 1,
  state: 'validating',
  status: 'running',
  seq: 2,
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  updatedAt: Date.UTC(2026, 0, 2, 3, 4, 6),
};

test('a list is a table aligned on its widest cells, with the count and the next cursor below', () => {
  const text = instanceTable({
    items: [item, { ...item, correlationId: 'o-2' }],
    count: 7,
    nextCursor: 'abc',
  });
  const lines = text.split('\n');
  expect(lines[0]).toMatch(/^CORRELATION ID {2}WORKFLOW {4}VERSION {2}STATE/);
  expect(lines[1]).toBe(
    'order-1         order-saga  1        validating  running  2    2026-01-02T03:04:05.000Z  2026-01-02T03:04:06.000Z',
  );
  expect(lines[2]?.startsWith('o-2             order-saga')).toBe(true);
  expect(lines[3]).toBe('2 of 7 shown; next page: --cursor abc');
});

test('control characters in names are shown escaped, never sent to the terminal', () => {
  const text = instanceTable({ items: [{ ...item, state: 'a\u001b[2Jb' }], count: 1, nextCursor: null });
  expect(text).not.toContain('\u001b');
  expect(text).toContain('a\\u{1b}[2Jb');
  expect(text.split('\n').at(-1)).toBe('1 of 1 shown');
});
