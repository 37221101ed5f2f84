// A page of search results as a table, linking each instance to its page.
import { enc } from '../api';
import { html } from '../html';
import type { Summary } from '../types';

export function SearchResults(props: { readonly items: readonly Summary[] }) {
  return html`<table class="results">
    <thead>
      <tr>
        <th scope="col">Instance</th>
        <th scope="col">Workflow</th>
        <th scope="col">Version</th>
        <th scope="col">State</th>
        <th scope="col">Status</th>
        <th scope="col">Started</th>
        <th scope="col">Updated</th>
      </tr>
    </thead>
    <tbody>
      ${props.items.map(
        (item) =>
          html`<tr data-id=${item.correlationId}>
            <td><a href=${`#/instance/${enc(item.correlationId)}`}>${item.correlationId}</a></td>
            <td>${item.workflow}</td>
            <td>${item.version}</td>
            <td>${item.state}</td>
            <td>${item.status}</td>
            <td>${new Date(item.createdAt).toISOString()}</td>
            <td>${new Date(item.updatedAt).toISOString()}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
