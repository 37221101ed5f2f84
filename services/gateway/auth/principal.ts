// Who is calling: a verified token's subject, a configured API key, or, with authentication disabled, anyone.
import type { Role } from './role';

export interface Principal {
  readonly kind: 'jwt' | 'api-key' | 'anonymous';
  /** The token's `sub`, the API key's configured name, or `anonymous`. */
  readonly name: string;
  readonly roles: readonly Role[];
  /** The workflows the roles apply to; `null` means every workflow. */
  readonly workflows: readonly string[] | null;
}

/** With authentication disabled every caller may do everything, as before authentication existed. */
export const ANONYMOUS: Principal = {
  kind: 'anonymous',
  name: 'anonymous',
  roles: ['admin'],
  workflows: null,
};

/**
 * The actor recorded on a command. The credential kind prefixes the name so that a token subject and an API key
 * of the same name stay distinguishable in the audit trail.
 */
export function actorOf(principal: Principal, claimedActor: string | undefined): string {
  if (principal.kind === 'anonymous') return claimedActor ?? 'gateway';
  return `${principal.kind}:${principal.name}`;
}
