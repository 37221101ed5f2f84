// GET /instances and GET /workflows/:name/counts, answered from the search index. A caller scoped to some
// workflows sees only their instances: a filter naming another workflow matches nothing (200, empty), just as
// GET /instances/:id answers 404 for such an instance rather than 403, so neither tells it what exists.
import type { InstanceStatus } from '../../core';
import { ApiError } from '../http/api-error';
import type { Handlers } from '../http/register-routes';
import type { InstanceIndex } from './instance-index';
import { decodeCursor, encodeCursor } from './search-cursor';
import { planSearch } from './search-plan';
import type { SearchQuery, TimeRange } from './search-query';
import type { searchQuerySchema } from './search-routes';
import type { z } from 'zod';

type SearchParameters = z.output<typeof searchQuerySchema>;

export function searchHandlers(index: InstanceIndex): Pick<Handlers, 'search' | 'counts'> {
  return {
    search: async ({ query, principal }) => {
      const search = searchQueryOf(query);
      const plan = planSearch(search.filter, search.sort, principal.workflows, index.keys);
      if (plan.kind === 'empty') return { status: 200, body: { items: [], count: 0, nextCursor: null } };
      const page = await index.search(plan, search);
      const last = page.items.at(-1);
      const nextCursor =
        page.more && last !== undefined
          ? encodeCursor({
              sort: search.sort,
              order: search.order,
              score: search.sort === 'updated' ? last.updatedAt : last.createdAt,
              id: last.correlationId,
            })
          : null;
      return { status: 200, body: { items: page.items, count: page.count, nextCursor } };
    },
    counts: async ({ params, query }) => {
      const counts = await index.counts(params.name, query.version);
      return { status: 200, body: { workflow: params.name, version: query.version ?? null, ...counts } };
    },
  };
}

/** The validated parameters as a query; the rules zod cannot state per field become 400s here. */
export function searchQueryOf(parameters: SearchParameters): SearchQuery {
  const { workflow, version, state, status, idPrefix, sort, order, limit } = parameters;
  if (version !== undefined && workflow === undefined)
    throw invalid('version', 'version filters a workflow: give workflow too');
  const started = range('started', parameters.startedFrom, parameters.startedTo);
  const updated = range('updated', parameters.updatedFrom, parameters.updatedTo);
  let after: SearchQuery['after'];
  if (parameters.cursor !== undefined) {
    const cursor = decodeCursor(parameters.cursor);
    if ('invalid' in cursor) throw invalid('cursor', cursor.invalid);
    if (cursor.sort !== sort || cursor.order !== order)
      throw invalid('cursor', `the cursor was issued for sort=${cursor.sort}&order=${cursor.order}`);
    after = { score: cursor.score, id: cursor.id };
  }
  const filter = {
    ...(workflow === undefined ? {} : { workflow }),
    ...(version === undefined ? {} : { version }),
    ...(state === undefined ? {} : { state }),
    ...(status === undefined ? {} : { status: status as InstanceStatus }),
    ...(idPrefix === undefined ? {} : { idPrefix }),
    started,
    updated,
  };
  return { filter, sort, order, limit, ...(after === undefined ? {} : { after }) };
}

function range(what: string, from: number | undefined, to: number | undefined): TimeRange {
  if (from !== undefined && to !== undefined && from > to)
    throw invalid(`${what}From`, `${what}From is after ${what}To`);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

const invalid = (path: string, message: string) =>
  new ApiError(400, 'invalid-query', `invalid query: ${path}: ${message}`, [{ in: 'query', path, message }]);
