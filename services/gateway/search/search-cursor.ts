// The opaque cursor of a search page: the sort key (time and id) of the last instance shown, and the sort it was
// taken under. The next page starts strictly after that key, so instances that move meanwhile are neither
// repeated nor skipped unless they themselves moved across the cursor.
import type { SearchOrder, SearchSort } from './search-query';

export interface SearchCursor {
  readonly sort: SearchSort;
  readonly order: SearchOrder;
  readonly score: number;
  readonly id: string;
}

export function encodeCursor(cursor: SearchCursor): string {
  const { sort, order, score, id } = cursor;
  return Buffer.from(JSON.stringify([1, sort, order, score, id]), 'utf8').toString('base64url');
}

/** The cursor, or a reason it is not one this gateway issued. */
export function decodeCursor(text: string): SearchCursor | { readonly invalid: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return { invalid: 'not a cursor this gateway issued' };
  }
  if (!Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== 1)
    return { invalid: 'not a cursor this gateway issued' };
  const [, sort, order, score, id] = parsed as unknown[];
  if (
    (sort !== 'updated' && sort !== 'started') ||
    (order !== 'asc' && order !== 'desc') ||
    typeof score !== 'number' ||
    !Number.isSafeInteger(score) ||
    typeof id !== 'string' ||
    id === ''
  ) {
    return { invalid: 'not a cursor this gateway issued' };
  }
  return { sort, order, score, id };
}
