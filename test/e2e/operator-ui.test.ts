/// <reference lib="dom" />
// The operator UI in headless Chromium against the real services (orchestrator, workers and gateway processes on
// the examples' module, authentication by API keys). As a viewer: the order saga's graph shows the API's counts
// and figures, each edge's count equal to the transitions the instances' histories hold, a search finds the
// expected instances, the scrubber shows the context at step 3, and no action (nor bulk act) is offered. As an
// operator: a cancel reaches `cancelled` on the open page without a reload while a watched graph's count and edge
// move, the audit page shows it, and a viewer posting the same act gets 403; a bulk cancel of a search result
// cancels exactly its instances, once, even when posted twice. axe-core finds nothing serious on any page;
// screenshots of every page go to test-results/ui on every run.
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'puppeteer-core';
import {
  exampleOrder,
  finishedInstance,
  fleetEnvironment,
  removeNamespaces,
  startExampleFleet,
} from '../harness/example-fleet';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/free-port';
import { repoRoot } from '../harness/infrastructure';
import { testNamespace } from '../harness/namespace';
import type { ProcessFleet } from '../harness/process-fleet';
import { launchBrowser, seriousViolations, type TestBrowser } from '../harness/browser';

jest.setTimeout(240_000);

const ns = testNamespace('ui');
const shots = path.join(repoRoot, 'test-results', 'ui');
const secrets = mkdtempSync(path.join(os.tmpdir(), 'statewright-ui-keys-'));
const KEYS = { viewer: randomUUID(), operator: randomUUID(), admin: randomUUID() };
const sha = (key: string) => createHash('sha256').update(key).digest('hex');

let fleet: ProcessFleet | undefined;
let chromium: TestBrowser | undefined;
let gateway = '';
const done: string[] = [];
let running = '';
/** Orders waiting in shipping for the bulk cancels: two through the page, two through the API. */
const bulkUi: string[] = [];
const bulkApi: string[] = [];

const api = async <T>(url: string, key: string, init: RequestInit = {}) => {
  const response = await fetch(`${gateway}${url}`, {
    ...init,
    headers: { 'x-api-key': key, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  return { status: response.status, body: (await response.json()) as T };
};

const start = async (id: string, address?: string) => {
  const body = JSON.stringify({ correlationId: id, input: exampleOrder(id, address ? { address } : {}) });
  const answer = await api(`/workflows/order-saga/instances`, KEYS.operator, {
    method: 'POST',
    headers: { 'idempotency-key': id },
    body,
  });
  expect(answer.status).toBeLessThan(300);
};

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const keysFile = path.join(secrets, 'keys.json');
  writeFileSync(
    keysFile,
    JSON.stringify({
      [sha(KEYS.viewer)]: { name: 'vera', roles: ['viewer'] },
      [sha(KEYS.operator)]: { name: 'otto', roles: ['operator'] },
      [sha(KEYS.admin)]: { name: 'ada', roles: ['admin'] },
    }),
    { mode: 0o600 },
  );
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = await startExampleFleet(
    'e2e',
    ns,
    gateway,
    fleetEnvironment(ns, {
      GATEWAY_PORT: String(port),
      GATEWAY_API_KEYS_FILE: keysFile,
      // Orders to NEVER-SHIPS wait in shipping for this long: long enough to be cancelled from the page.
      ORDER_SHIPPING_TIMEOUT_MS: '600000',
      // A state without a timeout counts an instance stuck after 1 s here, not the default hour.
      GATEWAY_STUCK_AFTER_MS: '1000',
    }),
  );
  for (let n = 0; n < 3; n += 1) done.push(`${ns.prefix}-done-${n}`);
  running = `${ns.prefix}-waiting`;
  for (let n = 0; n < 2; n += 1) bulkUi.push(`${ns.prefix}-bulk-ui-${n}`);
  for (let n = 0; n < 2; n += 1) bulkApi.push(`${ns.prefix}-bulk-api-${n}`);
  for (const id of done) await start(id);
  for (const id of [running, ...bulkUi, ...bulkApi]) await start(id, 'NEVER-SHIPS');
  for (const id of done) await finishedInstance(gateway, id, { 'x-api-key': KEYS.viewer });
  for (const id of [running, ...bulkUi, ...bulkApi])
    await eventually(
      `${id} to reach shipping`,
      async () => (await api<{ state: string }>(`/instances/${id}`, KEYS.viewer)).body.state === 'shipping',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  chromium = await launchBrowser();
});

afterAll(async () => {
  await chromium?.close();
  await fleet?.stopAll();
  rmSync(secrets, { recursive: true, force: true });
  await removeNamespaces([ns]);
});

/** A fresh browser context (its own sessionStorage) signed in with `key` on the overview page. */
async function signedIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium!.browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(`${gateway}/ui/`);
  await page.waitForSelector('#credential');
  await page.type('#credential', key);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-who]');
  return { context, page };
}

async function visit(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => void (location.hash = h), hash);
  await page.waitForSelector(ready);
}

async function check(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  expect({ page: name, violations: await seriousViolations(page) }).toEqual({ page: name, violations: [] });
}

interface Figures {
  readonly window: string;
  readonly states: { name: string; count: number; stuck: number | null }[];
  readonly edges: { from: string; to: string; count: number }[];
  readonly flow: { starts: number };
}

const figuresOf = async (window = '1h') =>
  (await api<Figures>(`/workflows/order-saga/versions/1/figures?window=${window}`, KEYS.viewer)).body;

const edgeCounts = (figures: Figures) =>
  Object.fromEntries(figures.edges.filter((e) => e.count > 0).map((e) => [`${e.from}->${e.to}`, e.count]));

/** The edges on the open graph with a count above zero, as `from->to` → count. */
const shownEdges = (page: Page) =>
  page.$$eval('[data-edge]', (edges) =>
    Object.fromEntries(
      edges
        .map((e) => [e.getAttribute('data-edge'), Number(e.getAttribute('data-edge-count'))] as const)
        .filter(([, count]) => count > 0),
    ),
  );

/** Each edge the instances' histories took, counted: from, through the states of `via`, to `to`. */
async function edgesTaken(ids: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const { records } = (
      await api<{ records: { kind: string; from: string | null; via: string[]; to: string }[] }>(
        `/instances/${id}/history`,
        KEYS.viewer,
      )
    ).body;
    for (const record of records) {
      if (record.kind !== 'transition' || record.from === null) continue;
      const hops = [record.from, ...record.via];
      if (hops.at(-1) !== record.to) hops.push(record.to);
      for (let i = 1; i < hops.length; i += 1) {
        const key = `${hops[i - 1]}->${hops[i]}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
  }
  return counts;
}

/** Tabs through the page, collecting the data-action of every focused control, until all `wanted` are seen. */
async function reachableByKeyboard(page: Page, wanted: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < 80 && !wanted.every((w) => seen.has(w)); i += 1) {
    await page.keyboard.press('Tab');
    const action = await page.evaluate(() => document.activeElement?.getAttribute('data-action') ?? null);
    if (action !== null) seen.add(action);
  }
  return [...seen].sort();
}

test('the UI is served under a CSP with no inline script or style; its change stream needs a credential', async () => {
  for (const file of ['', 'app.js', 'app.css']) {
    const response = await fetch(`${gateway}/ui/${file}`);
    expect({ file, status: response.status }).toEqual({ file, status: 200 });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe');
  }
  expect((await fetch(`${gateway}/ui/events`)).status).toBe(401);
});

describe('as a viewer', () => {
  let page: Page;
  let context: BrowserContext;
  beforeAll(async () => ({ context, page } = await signedIn(KEYS.viewer)));
  afterAll(async () => context?.close());

  test('the overview lists the order saga with its instances by status', async () => {
    await page.waitForSelector('tr[data-workflow="order-saga"]');
    await check(page, 'overview');
  });

  test("the order saga's graph shows per-state counts equal to the API's", async () => {
    const counts = (
      await api<{ states: Record<string, number> }>('/workflows/order-saga/counts?version=1', KEYS.viewer)
    ).body.states;
    await visit(page, '#/workflows/order-saga/1', '.graph-box[data-loaded="yes"] [data-state]');
    const shown = await page.$$eval('[data-state]', (nodes) =>
      Object.fromEntries(
        nodes.map((n) => [
          n.getAttribute('data-state'),
          Number(n.querySelector('[data-count]')?.getAttribute('data-count')),
        ]),
      ),
    );
    for (const [state, count] of Object.entries(shown))
      expect({ state, count }).toEqual({ state, count: counts[state] ?? 0 });
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(done.length + 1);
    await check(page, 'graph');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1')
      copyFileSync(path.join(shots, 'graph.png'), path.join(repoRoot, 'docs', 'operator-ui.png'));
  });

  test("the graph's edge counts equal the API's and the transitions the instances took; stuck counts too", async () => {
    await visit(
      page,
      '#/workflows/order-saga/1',
      '.graph-box[data-loaded="yes"][data-window="1h"] [data-edge]',
    );
    const figures = await figuresOf('1h');
    const taken = await edgesTaken([...done, running, ...bulkUi, ...bulkApi]);
    expect(edgeCounts(figures)).toEqual(taken);
    // Every order reached shipping or beyond: at least two transitions each.
    expect(Object.values(taken).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2 * (done.length + 5));
    expect(await shownEdges(page)).toEqual(taken);
    const stuck = await page.$$eval('[data-state]', (nodes) =>
      Object.fromEntries(
        nodes.map((n) => [
          n.getAttribute('data-state'),
          n.querySelector('[data-stuck]')?.getAttribute('data-stuck') ?? null,
        ]),
      ),
    );
    for (const state of figures.states)
      expect({ state: state.name, stuck: stuck[state.name] }).toEqual({
        state: state.name,
        stuck: state.stuck === null ? null : String(state.stuck),
      });
    // The five orders in shipping wait out its own timeout (ten minutes), not the 1 s threshold: none is stuck.
    expect(figures.states.find((s) => s.name === 'shipping')).toMatchObject({ count: 5, stuck: 0 });
    // Another window: the graph reads the figures again and still shows the API's.
    await page.select('select[name="window"]', '24h');
    await page.waitForSelector('.graph-box[data-loaded="yes"][data-window="24h"]');
    expect(await shownEdges(page)).toEqual(edgeCounts(await figuresOf('24h')));
    await check(page, 'graph-figures');
  });

  test("the overview shows each version's starts in the last hour", async () => {
    await visit(page, '#/', 'tr[data-workflow="order-saga"][data-version="1"] [data-starts]');
    const starts = await page.$eval('tr[data-workflow="order-saga"][data-version="1"] [data-starts]', (e) =>
      Number(e.getAttribute('data-starts')),
    );
    expect(starts).toBe((await figuresOf('1h')).flow.starts);
    expect(starts).toBe(done.length + 1 + bulkUi.length + bulkApi.length);
  });

  test('a search by workflow and id prefix finds exactly the expected instances; no bulk act is offered', async () => {
    await visit(page, '#/instances', 'form.filters');
    await page.type('input[name="workflow"]', 'order-saga');
    await page.type('input[name="idPrefix"]', `${ns.prefix}-done-`);
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-id]').length === n, {}, done.length);
    const ids = await page.$$eval('tr[data-id]', (rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(ids.sort()).toEqual([...done].sort());
    expect(await page.$eval('[data-count]', (e) => e.textContent)).toBe(String(done.length));
    expect(await page.$$('[data-bulk]')).toHaveLength(0);
    await check(page, 'search');
  });

  test('the scrubber shows the context after step 3', async () => {
    const id = done[0]!;
    const { steps } = (
      await api<{ steps: { instance: { state: string; context: unknown } }[] }>(
        `/instances/${id}/steps`,
        KEYS.viewer,
      )
    ).body;
    expect(steps.length).toBeGreaterThanOrEqual(3);
    await visit(page, `#/instance/${encodeURIComponent(id)}`, '#scrubber');
    await page.focus('#scrubber');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('[data-step]')?.textContent === '3');
    const context = await page.$eval('[data-context]', (e) => JSON.parse(e.textContent ?? 'null') as unknown);
    expect(context).toEqual(steps[2]!.instance.context);
    expect(await page.$eval('[data-step-state]', (e) => e.textContent)).toBe(steps[2]!.instance.state);
    await check(page, 'instance-scrubbed');
  });

  test('no action button is present, even on a running instance', async () => {
    await visit(page, `#/instance/${encodeURIComponent(running)}`, '[data-status]');
    expect(await page.$$('[data-action]')).toHaveLength(0);
    expect(await page.$('a[href="#/audit"]')).toBeNull();
    await check(page, 'instance-viewer');
  });

  test('the gateway refuses a viewer posting an act directly', async () => {
    const answer = await api(`/instances/${running}/cancel`, KEYS.viewer, {
      method: 'POST',
      headers: { 'idempotency-key': randomUUID() },
      body: '{}',
    });
    expect(answer.status).toBe(403);
    const bulk = await api(`/workflows/order-saga/bulk/cancel`, KEYS.viewer, {
      method: 'POST',
      headers: { 'idempotency-key': randomUUID() },
      body: JSON.stringify({ filter: { idPrefix: `${ns.prefix}-bulk-` } }),
    });
    expect(bulk.status).toBe(403);
  });
});

describe('as an operator', () => {
  test('a cancel reaches cancelled on the open page without a reload; the audit page shows it', async () => {
    // A viewer watches the graph meanwhile: its count of cancelled orders must move without a reload too.
    const watcher = await signedIn(KEYS.viewer);
    await visit(watcher.page, '#/workflows/order-saga/1', '.graph-box[data-loaded="yes"] [data-state]');
    const cancelledCount = () =>
      watcher.page.$eval('[data-state="cancelled"] [data-count]', (e) =>
        Number(e.getAttribute('data-count')),
      );
    const before = await cancelledCount();
    const edgesBefore = await shownEdges(watcher.page);
    const { context, page } = await signedIn(KEYS.operator);
    try {
      await visit(page, `#/instance/${encodeURIComponent(running)}`, '[data-action="cancel"]');
      // A mark on the window: still there at the end proves the page was never reloaded.
      await page.evaluate(() => void ((window as unknown as { marker?: boolean }).marker = true));
      // Every action the page offers is reached by Tab; the last one reached is Cancel, the last of the bar.
      const offered = await page.$$eval('[data-action]:not([disabled])', (buttons) =>
        buttons.map((b) => b.getAttribute('data-action') ?? ''),
      );
      expect(offered).toContain('cancel');
      expect(await reachableByKeyboard(page, offered)).toEqual([...new Set(offered)].sort());
      // A signal through its generated form: priority shipping, accepted in shipping, sets the context's flag.
      await page.focus('[data-action="signal:priority-requested"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('dialog[open] [data-confirm]');
      await page.focus('dialog[open] [data-confirm]');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        () => /"priority": true/.test(document.querySelector('[data-context]')?.textContent ?? ''),
        {
          timeout: 30_000,
        },
      );
      await page.focus('[data-action="cancel"]');
      await check(page, 'instance-operator');
      // Cancel has the focus: open the confirmation and confirm, by keyboard.
      await page.keyboard.press('Enter');
      await page.waitForSelector('dialog[open] [data-confirm]');
      await check(page, 'confirm-cancel');
      await page.focus('dialog[open] [data-confirm]');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('[data-status]')?.textContent === 'cancelled', {
        timeout: 60_000,
      });
      expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
      await check(page, 'instance-cancelled');
      await watcher.page.waitForFunction(
        (n) =>
          Number(
            document.querySelector('[data-state="cancelled"] [data-count]')?.getAttribute('data-count'),
          ) === n,
        { timeout: 30_000 },
        before + 1,
      );
      // The cancel took shipping → cancelling → …: that edge's count moves on the open graph too.
      await watcher.page.waitForFunction(
        (n) =>
          Number(
            document.querySelector('[data-edge="shipping->cancelling"]')?.getAttribute('data-edge-count'),
          ) === n,
        { timeout: 30_000 },
        (edgesBefore['shipping->cancelling'] ?? 0) + 1,
      );
      await check(watcher.page, 'graph-live');
    } finally {
      await context.close();
      await watcher.context.close();
    }
    const admin = await signedIn(KEYS.admin);
    try {
      await visit(admin.page, '#/audit', 'table.audit');
      await admin.page.waitForSelector(`tr[data-instance="${running}"][data-action="cancel"]`, {
        timeout: 60_000,
      });
      await check(admin.page, 'audit');
    } finally {
      await admin.context.close();
    }
  });
});

describe('bulk acts over a search result', () => {
  const statusOf = async (id: string) =>
    (await api<{ status: string }>(`/instances/${id}`, KEYS.viewer)).body.status;
  const cancels = async (id: string) =>
    (
      await api<{ records: { kind: string; event?: string }[] }>(`/instances/${id}/history`, KEYS.viewer)
    ).body.records.filter((r) => r.kind === 'transition' && r.event === 'cancel').length;
  const cancelledCount = async () =>
    (await api<{ count: number }>(`/instances?status=cancelled&idPrefix=${ns.prefix}`, KEYS.viewer)).body
      .count;

  test('an operator cancels every instance of a search result from the page, after confirming its size', async () => {
    const before = await cancelledCount();
    const { context, page } = await signedIn(KEYS.operator);
    try {
      await visit(page, '#/instances', 'form.filters');
      await page.type('input[name="workflow"]', 'order-saga');
      await page.type('input[name="idPrefix"]', `${ns.prefix}-bulk-ui-`);
      await page.type('input[name="status"]', 'running');
      await page.click('form.filters button[type="submit"]');
      await page.waitForFunction(
        (n) => document.querySelectorAll('tr[data-id]').length === n,
        {},
        bulkUi.length,
      );
      await page.click('[data-bulk="cancel"]');
      await page.waitForSelector('dialog[open] [data-confirm]');
      expect(await page.$eval('dialog[open] h2', (e) => e.textContent)).toBe(
        `Cancel ${bulkUi.length} instances?`,
      );
      await check(page, 'confirm-bulk-cancel');
      await page.click('dialog[open] [data-confirm]');
      await page.waitForSelector('[data-bulk-result]');
      expect(await page.$eval('[data-bulk-result]', (e) => e.textContent)).toBe(
        `cancel: ${bulkUi.length} sent, 0 refused`,
      );
      for (const id of bulkUi)
        await eventually(`${id} cancelled`, async () => (await statusOf(id)) === 'cancelled', {
          timeoutMs: 60_000,
        });
      await check(page, 'search-bulk-cancelled');
    } finally {
      await context.close();
    }
    expect(await cancelledCount()).toBe(before + bulkUi.length);
  });

  test('a bulk cancel posted twice under one key cancels exactly its instances once; a larger match is refused', async () => {
    const filter = { idPrefix: `${ns.prefix}-bulk-api-` };
    const post = (key: string, max: number) =>
      api<{
        repeated: boolean;
        matched: number;
        results: { correlationId: string; status: string; commandId: string }[];
      }>('/workflows/order-saga/bulk/cancel', KEYS.operator, {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body: JSON.stringify({ filter, max }),
      });
    const tooMany = await post(randomUUID(), 1);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({
      error: { code: 'bulk-too-large', details: { matched: 2, max: 1 } },
    });
    expect(await statusOf(bulkApi[0]!)).toBe('running');

    const before = await cancelledCount();
    const key = randomUUID();
    const first = await post(key, 2);
    expect(first.status).toBe(200);
    expect(first.body.repeated).toBe(false);
    expect(first.body.results.map((r) => r.correlationId).sort()).toEqual([...bulkApi].sort());
    for (const id of bulkApi)
      await eventually(`${id} cancelled`, async () => (await statusOf(id)) === 'cancelled', {
        timeoutMs: 60_000,
      });
    const second = await post(key, 2);
    expect(second.status).toBe(200);
    expect(second.body.repeated).toBe(true);
    expect(second.body.results.map((r) => r.commandId).sort()).toEqual(
      first.body.results.map((r) => r.commandId).sort(),
    );
    // The second post published nothing: each instance holds one cancel, the audit one record each.
    for (const id of bulkApi) expect({ id, cancels: await cancels(id) }).toEqual({ id, cancels: 1 });
    expect(await cancelledCount()).toBe(before + bulkApi.length);
    for (const id of bulkApi) {
      const records = await eventually(`the audit record of ${id}`, async () => {
        const answer = await api<{ records: { action: string; actor: string }[] }>(
          `/audit?instance=${id}`,
          KEYS.admin,
        );
        return answer.status === 200 && answer.body.records.length > 0 ? answer.body.records : undefined;
      });
      expect(records.map((r) => [r.action, r.actor])).toEqual([['cancel', 'api-key:otto']]);
    }
  });
});
