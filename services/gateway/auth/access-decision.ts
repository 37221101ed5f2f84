// The authorization rule as a pure function: a principal may use a permission when one of its roles covers the
// permission and, for a route about a workflow, the principal's workflow scope includes that workflow.
import { MINIMUM_ROLE, type Permission } from './permission';
import type { Principal } from './principal';
import { roleCovers } from './role';

export type AccessDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: 'role' | 'workflow' };

/**
 * `workflow` is the workflow the request acts on, or `null` for a route about no single workflow: such a route
 * is open only to principals whose roles apply to every workflow.
 */
export function decideAccess(
  principal: Principal,
  permission: Permission,
  workflow: string | null,
): AccessDecision {
  const required = MINIMUM_ROLE[permission];
  if (!principal.roles.some((role) => roleCovers(role, required))) return { allowed: false, reason: 'role' };
  if (principal.workflows === null) return { allowed: true };
  if (workflow !== null && principal.workflows.includes(workflow)) return { allowed: true };
  return { allowed: false, reason: 'workflow' };
}
