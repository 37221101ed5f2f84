// What a route of the table demands of its caller: a permission (or `public`) and, for a route about one
// workflow, where the request names that workflow — a path parameter holding the workflow's name, or one holding
// an instance id whose workflow the read model knows. A listing across workflows instead narrows its own answer to
// the caller's workflows: access checks the role only.
import type { RoutePermission } from './permission';

export type WorkflowScope =
  | { readonly workflowParam: string }
  | { readonly instanceParam: string }
  | { readonly narrowedByHandler: true };

export interface RouteAccess {
  readonly permission: RoutePermission;
  readonly scope?: WorkflowScope;
}
