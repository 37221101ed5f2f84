// A search as the caller asked for it, already validated: the filter, the order and the page.
import type { InstanceStatus } from '../../core';

export type SearchSort = 'updated' | 'started';
export type SearchOrder = 'asc' | 'desc';

/** Inclusive bounds in epoch milliseconds; absent means unbounded. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

export interface SearchFilter {
  readonly workflow?: string;
  readonly version?: number;
  readonly state?: string;
  readonly status?: InstanceStatus;
  readonly idPrefix?: string;
  readonly started: TimeRange;
  readonly updated: TimeRange;
}

export interface SearchQuery {
  readonly filter: SearchFilter;
  readonly sort: SearchSort;
  readonly order: SearchOrder;
  readonly limit: number;
  readonly after?: { readonly score: number; readonly id: string };
}
