// Every route declares what it needs: a table with an undeclared route does not build, and the OpenAPI document
// carries the security schemes and, per operation, the security the table declares.
import pino from 'pino';
import { AccessControl } from '../../services/gateway/auth/access-control';
import { DISABLED_AUTHENTICATOR } from '../../services/gateway/auth/authenticator';
import { buildApp, type AppOptions } from '../../services/gateway/http/app';
import { openApiDocument } from '../../services/gateway/http/openapi';
import { ROUTES, type RouteSpec } from '../../services/gateway/http/route-table';
import { RouteTableError } from '../../services/gateway/http/route-table-error';

const reply = async () => ({ status: 200, body: {} });
const handlers = Object.fromEntries(
  Object.keys(ROUTES).map((id) => [id, reply]),
) as unknown as AppOptions['handlers'];

function build(routes: Record<string, unknown>) {
  return buildApp({
    handlers,
    access: new AccessControl(DISABLED_AUTHENTICATOR, async () => undefined),
    bodyLimitBytes: 1024,
    logger: pino({ level: 'silent' }),
    version: 'test',
    routes: routes as Record<string, RouteSpec>,
  });
}

test('the gateway route table builds, and every route declares a permission or public', async () => {
  const app = build(ROUTES);
  await app.close();
  for (const route of Object.values(ROUTES) as RouteSpec[]) expect(route.permission).toBeDefined();
});

test('a route without a declared permission stops the app from being built', () => {
  const undeclared = { method: 'GET', path: '/reports', summary: 'Reports', responses: {} };
  expect(() => build({ ...ROUTES, reports: undeclared })).toThrow(RouteTableError);
  expect(() => build({ ...ROUTES, reports: undeclared })).toThrow(
    /reports \(GET \/reports\): declares no known permission/,
  );
});

test('an unknown permission, or a scope naming no path parameter, stops it too', () => {
  const misspelt = { ...ROUTES.instance, permission: 'instances:write' };
  const misscoped = { ...ROUTES.instance, scope: { instanceParam: 'instanceId' } };
  const publicScoped = { ...ROUTES.healthz, scope: { workflowParam: 'name' } };
  expect(() => build({ ...ROUTES, instance: misspelt })).toThrow(RouteTableError);
  expect(() => build({ ...ROUTES, instance: misscoped })).toThrow(/scope names instanceId/);
  expect(() => build({ ...ROUTES, healthz: publicScoped })).toThrow(/public route has no workflow scope/);
});

test('the OpenAPI document has both security schemes and each operation the security its route declares', () => {
  const document = openApiDocument(ROUTES, 'test') as {
    components: { securitySchemes: Record<string, { type: string }> };
    paths: Record<
      string,
      Record<string, { security: unknown[]; responses: Record<string, unknown> } & Record<string, unknown>>
    >;
  };
  expect(document.components.securitySchemes).toMatchObject({
    bearer: { type: 'http' },
    apiKey: { type: 'apiKey' },
  });
  for (const route of Object.values(ROUTES) as RouteSpec[]) {
    const operation = document.paths[route.path]![route.method.toLowerCase()]!;
    if (route.permission === 'public') {
      expect(operation.security).toEqual([]);
      expect(operation.responses).not.toHaveProperty('401');
    } else {
      expect(operation.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
      expect(operation['x-statewright-permission']).toBe(route.permission);
      expect(operation.responses).toHaveProperty('401');
      expect(operation.responses).toHaveProperty('403');
    }
  }
});
