// The access declarations of the route table, checked before any route is registered: every route names a known
// permission or `public`, and a workflow scope points at one of the route's path parameters.
import { isRoutePermission } from '../auth/permission';
import type { RouteSpec } from './route-table';
import { RouteTableError } from './route-table-error';

export function checkRouteTable(routes: Readonly<Record<string, RouteSpec>>): void {
  const problems = Object.entries(routes).flatMap(([id, route]) => problemsOf(id, route));
  if (problems.length > 0) throw new RouteTableError(problems);
}

function problemsOf(id: string, route: RouteSpec): string[] {
  const where = `${id} (${route.method} ${route.path})`;
  const permission: unknown = route.permission;
  if (!isRoutePermission(permission)) {
    return [`${where}: declares no known permission (got ${JSON.stringify(permission) ?? 'none'})`];
  }
  if (route.scope === undefined) return [];
  if (permission === 'public') return [`${where}: a public route has no workflow scope`];
  if ('narrowedByHandler' in route.scope) return [];
  const param = 'workflowParam' in route.scope ? route.scope.workflowParam : route.scope.instanceParam;
  const params = Object.keys(route.params?.shape ?? {});
  return params.includes(param) ? [] : [`${where}: scope names ${param}, not a path parameter`];
}
