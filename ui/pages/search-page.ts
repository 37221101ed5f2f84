// Instance search: the filters of GET /instances, its count, the next page by cursor, and the bulk acts over
// the result the caller's role allows.
import { useState } from 'preact/hooks';
import { BulkBar } from '../actions/bulk-bar';
import { getJson } from '../api';
import { html } from '../html';
import type { Principal, SearchAnswer, Summary } from '../types';
import { SearchResults } from './search-results';

const FIELDS = ['workflow', 'version', 'state', 'status', 'idPrefix', 'startedFrom', 'updatedFrom'] as const;
type Filters = Partial<Record<(typeof FIELDS)[number], string>>;

export function SearchPage(props: { readonly principal: Principal }) {
  const [filters, setFilters] = useState<Filters>({});
  /** The filter the shown result came from: what a bulk act applies to. */
  const [applied, setApplied] = useState<Record<string, string>>({});
  const [items, setItems] = useState<readonly Summary[]>([]);
  const [count, setCount] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const chosen = () => {
    const filter: Record<string, string> = {};
    for (const field of FIELDS) {
      const value = filters[field]?.trim();
      if (value) filter[field] = value;
    }
    return filter;
  };
  const query = (after: string | null) => {
    const params = new URLSearchParams(after === null ? chosen() : applied);
    params.set('limit', '50');
    if (after !== null) params.set('cursor', after);
    return `/instances?${params.toString()}`;
  };
  const run = async (after: string | null) => {
    try {
      const answer = await getJson<SearchAnswer>(query(after));
      if (after === null) setApplied(chosen());
      setItems(after === null ? answer.items : [...items, ...answer.items]);
      setCount(answer.count);
      setCursor(answer.nextCursor);
      setError(undefined);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return html`<main>
    <h1>Instances</h1>
    <form
      class="filters"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        void run(null);
      }}
    >
      ${FIELDS.map(
        (field) =>
          html`<label>
            ${field}
            <input
              name=${field}
              value=${filters[field] ?? ''}
              onInput=${(e: Event) => setFilters({ ...filters, [field]: (e.target as HTMLInputElement).value })}
            />
          </label>`,
      )}
      <button type="submit">Search</button>
    </form>
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
    ${count === null ? null : html`<p>Matching: <span data-count>${count}</span></p>`}
    ${
      count === null || count === 0
        ? null
        : html`<${BulkBar}
            principal=${props.principal}
            filter=${applied}
            count=${count}
            onDone=${() => void run(null)}
          />`
    }
    <${SearchResults} items=${items} />
    ${cursor === null ? null : html`<button type="button" onClick=${() => void run(cursor)}>Next page</button>`}
  </main>`;
}
