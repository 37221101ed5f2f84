// The empty list every instance with nothing in a list shares: instances are never changed in place, and a
// partition holds them by the million.

export const NO_ITEMS: readonly never[] = Object.freeze([]);

/** `items`, or the shared empty list when there are none. */
export function itemsOrNone<T>(items: readonly T[]): readonly T[] {
  return items.length === 0 ? NO_ITEMS : items;
}
