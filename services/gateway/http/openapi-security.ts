// The OpenAPI view of access control: the two credential schemes, and per operation the security it requires,
// the permission it needs and the 401/403 answers it may give. A public operation requires nothing.
import { MINIMUM_ROLE } from '../auth/permission';
import { ROLES_CLAIM, WORKFLOWS_CLAIM } from '../auth/token-claims';
import { errorBody, type Response, type RouteSpec } from './route-table';

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      `HS256 or RS256, with the configured issuer and audience, \`exp\` required. \`sub\` names the caller, ` +
      `\`${ROLES_CLAIM}\` lists its roles (viewer < operator < admin), \`${WORKFLOWS_CLAIM}\` (optional) ` +
      'limits them to those workflows.',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'A configured API key; `Authorization: ApiKey <key>` is accepted as well.',
  },
} as const;

export interface OperationSecurity {
  readonly operation: Record<string, unknown>;
  readonly responses: Readonly<Record<number, Response>>;
}

export function securityOf(route: RouteSpec): OperationSecurity {
  if (route.permission === 'public') return { operation: { security: [] }, responses: {} };
  const role = MINIMUM_ROLE[route.permission];
  return {
    operation: {
      security: [{ bearer: [] }, { apiKey: [] }],
      'x-statewright-permission': route.permission,
      description: `Needs \`${route.permission}\`: role ${role} or above${route.scope ? ", for the request's workflow" : ''}.`,
    },
    responses: {
      401: { description: 'No credentials, or they are not valid (see WWW-Authenticate)', schema: errorBody },
      403: { description: "The caller's roles or workflows do not allow this", schema: errorBody },
    },
  };
}
