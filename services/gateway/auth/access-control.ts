// Admits a request to a route or refuses it: authenticate, then decide with the principal's roles and, for a
// principal limited to some workflows, the workflow the request acts on.
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../http/api-error';
import { decideAccess } from './access-decision';
import { ForbiddenError } from './auth-errors';
import type { Authenticator } from './authenticator';
import { actorOf, ANONYMOUS, type Principal } from './principal';
import type { RouteAccess, WorkflowScope } from './route-access';

/** The workflow of an instance, `undefined` when the read model does not hold it. */
export type InstanceWorkflow = (instanceId: string) => Promise<string | undefined>;

export interface AccessRequest {
  readonly headers: IncomingHttpHeaders;
  readonly params: Readonly<Record<string, string | undefined>>;
}

export class AccessControl {
  constructor(
    readonly authenticator: Authenticator,
    private readonly instanceWorkflow: InstanceWorkflow,
  ) {}

  /** The admitted principal; throws UnauthenticatedError (401), ForbiddenError (403) or a 404 ApiError. */
  async admit(access: RouteAccess, request: AccessRequest): Promise<Principal> {
    if (access.permission === 'public') return ANONYMOUS;
    const principal = await this.authenticator.authenticate(request.headers);
    if (access.scope !== undefined && 'narrowedByHandler' in access.scope) {
      // The handler answers only about the principal's workflows: here only the role counts.
      const decision = decideAccess({ ...principal, workflows: null }, access.permission, null);
      if (!decision.allowed)
        throw new ForbiddenError(access.permission, decision.reason, null, actorOf(principal, undefined));
      return principal;
    }
    const workflow =
      principal.workflows === null || access.scope === undefined
        ? null
        : await this.workflowOf(access.scope, request.params);
    const decision = decideAccess(principal, access.permission, workflow);
    if (
      !decision.allowed &&
      decision.reason === 'workflow' &&
      access.scope !== undefined &&
      'instanceParam' in access.scope
    ) {
      // An instance of a workflow outside the caller's scope is, to that caller, no instance at all.
      throw unknownInstance(request.params[access.scope.instanceParam] ?? '');
    }
    if (!decision.allowed)
      throw new ForbiddenError(access.permission, decision.reason, workflow, actorOf(principal, undefined));
    return principal;
  }

  /**
   * An instance's workflow never changes once it exists, so the handler acts on the workflow checked here. An
   * instance the read model does not hold has no workflow to check: the answer is the handler's 404.
   */
  private async workflowOf(scope: WorkflowScope, params: AccessRequest['params']): Promise<string | null> {
    if ('narrowedByHandler' in scope) return null;
    if ('workflowParam' in scope) return params[scope.workflowParam] ?? null;
    const id = params[scope.instanceParam] ?? '';
    const workflow = await this.instanceWorkflow(id);
    if (workflow === undefined) throw unknownInstance(id);
    return workflow;
  }
}

const unknownInstance = (id: string) =>
  new ApiError(404, 'unknown-instance', `no instance ${id} in the read model`);
