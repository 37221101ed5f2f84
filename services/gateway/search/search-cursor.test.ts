import { decodeCursor, encodeCursor } from './search-cursor';

test('a cursor decodes to the sort key and sort it was encoded with', () => {
  const cursor = { sort: 'started', order: 'asc', score: 1_700_000_000_123, id: 'order-ü:1' } as const;
  const text = encodeCursor(cursor);
  expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
  expect(decodeCursor(text)).toEqual(cursor);
});

test.each([
  ['not base64 JSON', '!!!'],
  ['JSON of another shape', Buffer.from('{"a":1}').toString('base64url')],
  ['an unknown sort', Buffer.from('[1,"seq","asc",1,"x"]').toString('base64url')],
  ['a fractional score', Buffer.from('[1,"updated","asc",1.5,"x"]').toString('base64url')],
  ['an empty id', Buffer.from('[1,"updated","desc",1,""]').toString('base64url')],
  ['another format version', Buffer.from('[2,"updated","desc",1,"x"]').toString('base64url')],
])('%s is not a cursor', (_, text) => {
  expect(decodeCursor(text)).toEqual({ invalid: expect.any(String) });
});
