// Fields for a signal's payload, generated from the event's JSON Schema in the catalogue: strings, numbers,
// integers, booleans and enums of an object's properties become inputs; anything else is edited as JSON.
import { html } from '../html';
import type { JsonSchema } from '../types';

export type Draft = Record<string, string | boolean>;

const kindOf = (schema: JsonSchema): string =>
  schema.enum !== undefined
    ? 'enum'
    : Array.isArray(schema.type)
      ? 'json'
      : ((schema.type as string) ?? 'json');

export function SchemaFields(props: {
  readonly schema: JsonSchema | null;
  readonly draft: Draft;
  readonly onChange: (draft: Draft) => void;
}) {
  const properties = props.schema?.properties;
  if (props.schema === null || properties === undefined) return html`<p>This event takes no fields.</p>`;
  const set = (name: string, value: string | boolean) => props.onChange({ ...props.draft, [name]: value });
  return html`${Object.entries(properties).map(([name, schema]) => {
    const id = `field-${name}`;
    const required = props.schema?.required?.includes(name) ?? false;
    const label = html`<label for=${id}>${name}${required ? ' *' : ''}</label>`;
    switch (kindOf(schema)) {
      case 'boolean':
        return html`<div class="field">
          <input
            id=${id}
            type="checkbox"
            checked=${props.draft[name] === true}
            onChange=${(e: Event) => set(name, (e.target as HTMLInputElement).checked)}
          />${label}
        </div>`;
      case 'enum':
        return html`<div class="field">
          ${label}
          <select
            id=${id}
            required=${required}
            onChange=${(e: Event) => set(name, (e.target as HTMLSelectElement).value)}
          >
            <option value="">—</option>
            ${(schema.enum ?? []).map((v) => html`<option value=${JSON.stringify(v)}>${String(v)}</option>`)}
          </select>
        </div>`;
      default:
        return html`<div class="field">
          ${label}
          <input
            id=${id}
            required=${required}
            value=${String(props.draft[name] ?? '')}
            inputmode=${kindOf(schema) === 'string' ? 'text' : 'decimal'}
            onInput=${(e: Event) => set(name, (e.target as HTMLInputElement).value)}
          />
        </div>`;
    }
  })}`;
}

/** The payload the draft stands for; a field left empty is left out. */
export function payloadOf(schema: JsonSchema | null, draft: Draft): unknown {
  if (schema === null) return undefined;
  const payload: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const value = draft[name];
    if (value === undefined || value === '') continue;
    const kind = kindOf(property);
    if (kind === 'boolean' || typeof value === 'boolean') payload[name] = value;
    else if (kind === 'number' || kind === 'integer') payload[name] = Number(value);
    else if (kind === 'enum' || kind === 'json') payload[name] = JSON.parse(value) as unknown;
    else payload[name] = value;
  }
  return payload;
}
