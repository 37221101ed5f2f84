// How many command ids an instance remembers, and for how long: set per workflow, changed at run time.

/** Commands are remembered while both bounds hold: at most `count` entries, none older than `ageMs`. */
export interface DedupeWindow {
  readonly count: number;
  readonly ageMs: number;
}
