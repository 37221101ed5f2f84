// The operator UI: a hash router over the pages, the signed-in principal (GET /whoami) and the menu it allows.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, credential, getJson } from './api';
import { html } from './html';
import { AuditPage } from './pages/audit-page';
import { GraphPage } from './pages/graph-page';
import { InstancePage } from './pages/instance-page';
import { LoginPage } from './pages/login-page';
import { OverviewPage } from './pages/overview-page';
import { SearchPage } from './pages/search-page';
import { hasRole, type Principal } from './types';

const useHash = () => {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const listener = () => setHash(location.hash);
    addEventListener('hashchange', listener);
    return () => removeEventListener('hashchange', listener);
  }, []);
  return hash;
};

function page(hash: string, principal: Principal) {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'workflows':
      return html`<${GraphPage} key=${hash} name=${parts[1] ?? ''} version=${Number(parts[2])} />`;
    case 'instances':
      return html`<${SearchPage} principal=${principal} />`;
    case 'instance':
      return html`<${InstancePage} key=${hash} id=${parts[1] ?? ''} principal=${principal} />`;
    case 'audit':
      return html`<${AuditPage} />`;
    default:
      return html`<${OverviewPage} />`;
  }
}

function App() {
  const hash = useHash();
  const [principal, setPrincipal] = useState<Principal | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (credential.get() === null) return;
    getJson<Principal>('/whoami').then(setPrincipal, (failure: unknown) => {
      if (failure instanceof ApiFailure && failure.status === 401) credential.clear();
      setError(failure instanceof Error ? failure.message : String(failure));
    });
  }, [attempt]);
  if (principal === null)
    return html`<${LoginPage} error=${error} onLogin=${() => setAttempt((n) => n + 1)} />`;
  return html`<div>
    <header>
      <nav aria-label="main">
        <a href="#/">Workflows</a>
        <a href="#/instances">Instances</a>
        ${hasRole(principal, 'admin') ? html`<a href="#/audit">Audit</a>` : null}
      </nav>
      <span class="who" data-who>${principal.name} (${principal.roles.join(', ')})</span>
      <button
        type="button"
        onClick=${() => {
          credential.clear();
          setPrincipal(null);
        }}
      >
        Sign out
      </button>
    </header>
    ${page(hash, principal)}
  </div>`;
}

const root = document.getElementById('app');
if (root !== null) render(html`<${App} />`, root);
