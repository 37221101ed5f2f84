// Asks for a credential (a JWT or an API key) and keeps it for this tab only (sessionStorage).
import { useState } from 'preact/hooks';
import { credential } from '../api';
import { html } from '../html';

export function LoginPage(props: { readonly onLogin: () => void; readonly error?: string }) {
  const [value, setValue] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    credential.set(value);
    props.onLogin();
  };
  return html`<main>
    <h1>Sign in</h1>
    <form class="login" onSubmit=${submit}>
      <label for="credential">Token or API key</label>
      <input
        id="credential"
        type="password"
        autocomplete="off"
        value=${value}
        onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Sign in</button>
      ${props.error === undefined ? null : html`<p class="error" role="alert">${props.error}</p>`}
    </form>
  </main>`;
}
