// The empty list every instance with nothing in a list shares: instances are never changed in place, and a
// partition holds them by the million. It is not frozen: a frozen array has elements of another kind, and the array
// builtins of the core (filter, some, concat) run markedly slower at call sites that see both kinds.

export const NO_ITEMS: readonly never[] = [];

/** `items`, or the shared empty list when there are none. */
export function itemsOrNone<T>(items: readonly T[]): readonly T[] {
  return items.length === 0 ? NO_ITEMS : items;
}
