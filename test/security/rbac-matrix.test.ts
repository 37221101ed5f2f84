// The access matrix, generated from the route table: every route is called by every kind of caller against a real
// gateway, and the answer is 401, 403, or anything else but those, as the caller's credential and roles demand.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Permission } from '../../services/gateway/auth/permission';
import { ROUTES, type RouteSpec } from '../../services/gateway/http/route-table';
import type { CommandEnvelope } from '../../services/platform/codec/command-envelope';
import { consumeUntil } from '../harness/consume';
import { createCredentialKit, type CredentialKit } from './credential-kit';
import { leakedCredentials } from './log-audit';
import { ORDER_INPUT, startSecuredGateway, type SecuredGateway } from './secured-gateway';

type Expectation = 'unauthenticated' | 'forbidden' | 'hidden' | 'admitted';

interface Caller {
  readonly label: string;
  readonly headers: (kit: CredentialKit) => Promise<Record<string, string>>;
  /** What the caller may do on order-saga; `null` when its credential must be refused. */
  readonly grants: readonly Permission[] | null;
  /** Limited to some workflows: routes about no single workflow are closed to it. */
  readonly scoped?: true;
  /** Limited to workflows other than order-saga, whose instance the matrix addresses. */
  readonly scopedOut?: true;
}

const bearer = async (token: Promise<string>) => ({ authorization: `Bearer ${await token}` });
const OPERATE: Permission[] = ['instances:read', 'instances:start', 'instances:signal', 'instances:cancel'];

const CALLERS: readonly Caller[] = [
  { label: 'no credentials', headers: async () => ({}), grants: null },
  {
    label: 'expired token',
    headers: (kit) => bearer(kit.token({ sub: 'old', roles: ['admin'], expiresIn: -120 })),
    grants: null,
  },
  {
    label: 'forged signature',
    headers: (kit) => bearer(kit.token({ sub: 'eve', roles: ['admin'], alg: 'RS256', forged: true })),
    grants: null,
  },
  {
    label: 'wrong audience',
    headers: (kit) => bearer(kit.token({ sub: 'amy', roles: ['admin'], audience: 'billing-api' })),
    grants: null,
  },
  {
    label: 'viewer (RS256)',
    headers: (kit) => bearer(kit.token({ sub: 'vera', roles: ['viewer'], alg: 'RS256' })),
    grants: ['instances:read'],
  },
  {
    label: 'operator (HS256)',
    headers: (kit) => bearer(kit.token({ sub: 'otto', roles: ['operator'] })),
    grants: OPERATE,
  },
  {
    label: 'admin (RS256)',
    headers: (kit) => bearer(kit.token({ sub: 'ada', roles: ['admin'], alg: 'RS256' })),
    grants: [...OPERATE, 'admin:*'],
  },
  {
    label: 'admin of bench-flow only',
    scoped: true,
    scopedOut: true,
    headers: (kit) => bearer(kit.token({ sub: 'bob', roles: ['admin'], workflows: ['bench-flow'] })),
    grants: [],
  },
  {
    label: 'API key, operator of order-saga',
    scoped: true,
    headers: async (kit) => ({ 'x-api-key': kit.operatorApiKey }),
    grants: OPERATE,
  },
  {
    label: 'Authorization: ApiKey, viewer',
    headers: async (kit) => ({ authorization: `ApiKey ${kit.viewerApiKey}` }),
    grants: ['instances:read'],
  },
];

const BODIES: Readonly<Record<string, unknown>> = {
  start: { input: ORDER_INPUT },
  signal: { address: '2 High St' },
  cancel: { reason: 'matrix' },
  migrate: { targetVersion: 1 },
  settings: { rollout: { kind: 'latest' } },
};

let kit: CredentialKit;
let secured: SecuredGateway;
const observed = new Map<string, Map<string, number>>();

beforeAll(async () => {
  kit = await createCredentialKit();
  secured = await startSecuredGateway('sec-matrix', kit.env);
});

afterAll(async () => {
  const out = process.env.STATEWRIGHT_RBAC_MATRIX_FILE;
  if (out) writeFileSync(out, matrixTable());
  await secured?.stop();
  await kit?.dispose();
});

function expectationOf(route: RouteSpec, caller: Caller): Expectation {
  if (route.permission === 'public') return 'admitted';
  if (caller.grants === null) return 'unauthenticated';
  // An instance of a workflow outside the caller's scope is not shown to exist.
  if (caller.scopedOut === true && route.scope !== undefined && 'instanceParam' in route.scope)
    return 'hidden';
  // A listing across workflows admits a scoped caller and narrows its answer to the caller's workflows.
  if (caller.scoped === true && route.scope !== undefined && 'narrowedByHandler' in route.scope)
    return 'admitted';
  if (caller.scoped === true && route.scope === undefined) return 'forbidden';
  return caller.grants.includes(route.permission) ? 'admitted' : 'forbidden';
}

function urlOf(route: RouteSpec): string {
  const samples: Record<string, string> = {
    name: 'order-saga',
    id: secured.instanceId,
    event: 'address-changed',
    version: '1',
    taskType: 'authorize-payment',
  };
  return route.path.replace(/\{([^}]+)\}/g, (_, param: string) => {
    const sample = samples[param];
    if (sample === undefined) throw new Error(`the matrix has no sample for path parameter ${param}`);
    return encodeURIComponent(sample);
  });
}

const cases = Object.entries(ROUTES).flatMap(([id, route]) =>
  CALLERS.map((caller) => ({
    id,
    route: route as RouteSpec,
    caller,
    expected: expectationOf(route, caller),
  })),
);

test.each(cases)('$id × $caller.label → $expected', async ({ id, route, caller, expected }) => {
  const headers = { ...(await caller.headers(kit)), 'idempotency-key': `key-${randomUUID()}` };
  const response = await secured.call({
    method: route.method,
    url: urlOf(route),
    headers,
    payload: BODIES[id],
  });
  observed.set(id, (observed.get(id) ?? new Map()).set(caller.label, response.statusCode));
  switch (expected) {
    case 'unauthenticated':
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({ code: 'unauthenticated' });
      expect(response.headers.get('www-authenticate')).toContain('realm="statewright"');
      break;
    case 'forbidden':
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toMatchObject({
        code: 'forbidden',
        details: { permission: route.permission },
      });
      break;
    case 'hidden':
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'unknown-instance' });
      break;
    case 'admitted':
      expect([401, 403]).not.toContain(response.statusCode);
      expect(response.statusCode).toBeLessThan(500);
      break;
  }
});

describe('the recorded actor', () => {
  async function publishedActor(commandId: string): Promise<string | undefined> {
    const messages = await consumeUntil(secured.kafka, secured.topics.commands, (read) =>
      read.some((m) => m.value?.includes(commandId)),
    );
    const commands = await Promise.all(
      messages.map(async (m) => (await secured.codec.decode('command', m.value)) as CommandEnvelope),
    );
    return commands.find((command) => command.commandId === commandId)?.actor;
  }

  test('is the token subject, whatever X-Actor claims', async () => {
    const key = `key-${randomUUID()}`;
    const token = await kit.token({ sub: 'otto', roles: ['operator'] });
    const response = await secured.call({
      method: 'POST',
      url: '/workflows/order-saga/instances',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'x-actor': 'mallory' },
      payload: { input: ORDER_INPUT },
    });
    expect(response.statusCode).toBe(202);
    expect(await publishedActor(response.json().commandId)).toBe('jwt:otto');
  });

  test("is the API key's configured name", async () => {
    const key = `key-${randomUUID()}`;
    const response = await secured.call({
      method: 'POST',
      url: `/instances/${secured.instanceId}/cancel`,
      headers: { 'x-api-key': kit.operatorApiKey, 'idempotency-key': key, 'x-actor': 'mallory' },
      payload: { reason: 'actor check' },
    });
    expect(response.statusCode).toBe(202);
    expect(await publishedActor(response.json().commandId)).toBe('api-key:billing-bot');
  });
});

test('a 401 lists both schemes in WWW-Authenticate and marks a bad token as invalid_token', async () => {
  const url = `/instances/${secured.instanceId}`;
  const missing = await secured.call({ method: 'GET', url });
  expect(missing.headers.get('www-authenticate')).toBe(
    'Bearer realm="statewright", ApiKey realm="statewright"',
  );
  expect(missing.json()).toEqual({
    error: { code: 'unauthenticated', message: expect.any(String), details: null },
  });
  const bad = await secured.call({ method: 'GET', url, headers: { authorization: 'Bearer not.a.jwt' } });
  expect(bad.headers.get('www-authenticate')).toContain('Bearer realm="statewright", error="invalid_token"');
});

test('the HEAD twin of a protected GET route is protected as well', async () => {
  const url = `/instances/${secured.instanceId}`;
  const head = (headers: Record<string, string>) =>
    fetch(`${secured.base}${url}`, { method: 'HEAD', headers });
  expect((await head({})).status).toBe(401);
  const viewer = await kit.token({ sub: 'vera', roles: ['viewer'] });
  expect((await head({ authorization: `Bearer ${viewer}` })).status).toBe(200);
});

test('a token not valid before a future time is refused; one expired within the clock tolerance is accepted', async () => {
  const url = `/instances/${secured.instanceId}`;
  const early = await kit.token({ sub: 'nina', roles: ['viewer'], notBeforeIn: 120 });
  const justExpired = await kit.token({ sub: 'jay', roles: ['viewer'], expiresIn: -2 });
  expect(
    (await secured.call({ method: 'GET', url, headers: { authorization: `Bearer ${early}` } })).statusCode,
  ).toBe(401);
  const late = await secured.call({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${justExpired}` },
  });
  expect(late.statusCode).toBe(200);
});

test('a workflow-scoped caller asking for an unknown instance gets 404, not a view of another workflow', async () => {
  const token = await kit.token({ sub: 'bob', roles: ['admin'], workflows: ['bench-flow'] });
  const response = await secured.call({
    method: 'GET',
    url: `/instances/unknown-${randomUUID()}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.statusCode).toBe(404);
  expect(response.json().error.code).toBe('unknown-instance');
});

test('the HTTP logger censors credential headers when a line carries them', () => {
  const token = `sentinel-${randomUUID()}`;
  const apiKey = `sentinel-${randomUUID()}`;
  const headers = { authorization: `Bearer ${token}`, 'x-api-key': apiKey, accept: 'application/json' };
  secured.gateway.app.log.info({ headers }, 'probe');
  secured.gateway.app.log.info({ request: { headers } }, 'probe');
  secured.gateway.app.log.info({ upstream: { headers } }, 'probe');
  const probes = secured.logLines.filter((line) => line.includes('"probe"'));
  expect(probes).toHaveLength(3);
  expect(leakedCredentials(probes, [token, apiKey])).toEqual([]);
  for (const probe of probes) {
    const logged = JSON.parse(probe) as Record<string, { headers?: Record<string, string> }>;
    const loggedHeaders = logged.headers ?? logged.request?.headers ?? logged.upstream?.headers;
    expect(loggedHeaders).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      accept: 'application/json',
    });
  }
});

test('no token, API key or secret appears in any line the gateway logged during this suite', () => {
  expect(secured.logLines.length).toBeGreaterThan(100);
  expect(secured.logLines.some((line) => line.includes('request not authenticated'))).toBe(true);
  expect(leakedCredentials(secured.logLines, kit.issued())).toEqual([]);
});

function matrixTable(): string {
  const header = ['route', ...CALLERS.map((caller) => caller.label)];
  const rows = [...observed].map(([id, byCaller]) => [
    `${id} (${ROUTES[id as keyof typeof ROUTES].permission})`,
    ...CALLERS.map((caller) => String(byCaller.get(caller.label) ?? '-')),
  ]);
  return [header, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n') + '\n';
}
