// GET /audit: the audit trail filtered by instance, actor and time, once it has been read to its end.
import { ApiError } from '../http/api-error';
import type { Handlers } from '../http/register-routes';
import type { AuditTrail } from './audit-trail';

export function auditHandlers(trail: AuditTrail): Pick<Handlers, 'audit'> {
  return {
    audit: async ({ query }) => {
      if (!trail.ready) {
        throw new ApiError(503, 'audit-not-ready', 'the audit trail is still being read; retry shortly');
      }
      return { status: 200, body: trail.query(query) };
    },
  };
}
