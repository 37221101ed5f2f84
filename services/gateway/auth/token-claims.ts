// The claims a bearer token carries for the gateway: `sub` names the caller, `statewright/roles` lists its roles,
// `statewright/workflows` (optional) limits them to some workflows; without it they apply to every workflow.
import { z } from 'zod';
import { PRINTABLE } from '../../core';
import type { Principal } from './principal';
import { isRole } from './role';

export const ROLES_CLAIM = 'statewright/roles';
export const WORKFLOWS_CLAIM = 'statewright/workflows';

const claims = z.object({
  // The subject becomes the actor of audit records: printable only.
  sub: z.string().min(1).max(256).regex(PRINTABLE),
  [ROLES_CLAIM]: z.array(z.string().max(64)).max(32).default([]),
  [WORKFLOWS_CLAIM]: z.array(z.string().min(1).max(512)).max(1024).optional(),
});

/**
 * The principal a verified payload names, or `undefined` when its claims are malformed. A roles value the
 * gateway does not know grants nothing; a malformed workflows claim refuses the token rather than widen it.
 */
export function principalOfClaims(payload: unknown): Principal | undefined {
  const parsed = claims.safeParse(payload);
  if (!parsed.success) return undefined;
  const roles = parsed.data[ROLES_CLAIM].filter(isRole);
  return { kind: 'jwt', name: parsed.data.sub, roles, workflows: parsed.data[WORKFLOWS_CLAIM] ?? null };
}
