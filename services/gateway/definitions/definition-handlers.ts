// GET /whoami, /workflows and /workflows/:name/versions/:v/definition: what the operator UI draws from. The
// definitions come from the catalogue the orchestrators publish, so the UI shows any team's workflow, never code.
import type { Catalogue } from '../../core';
import { edgesOf } from '../../core/render/state-graph';
import { ApiError } from '../http/api-error';
import type { Handlers } from '../http/register-routes';

export function definitionHandlers(
  catalogue: Catalogue,
): Pick<Handlers, 'whoami' | 'workflows' | 'definition'> {
  return {
    whoami: async ({ principal }) => ({
      status: 200,
      body: {
        name: principal.name,
        kind: principal.kind,
        roles: principal.roles,
        workflows: principal.workflows,
      },
    }),
    workflows: async ({ principal }) => {
      const scope = principal.workflows;
      const names = catalogue.names().filter((name) => scope === null || scope.includes(name));
      const workflows = names.map((name) => ({ name, versions: catalogue.versions(name) }));
      return { status: 200, body: { workflows } };
    },
    definition: async ({ params }) => {
      const definition = catalogue.get(params.name, params.version);
      if (definition === undefined)
        throw new ApiError(
          404,
          'unknown-version',
          `no version ${params.version} of ${params.name} in the catalogue`,
        );
      return { status: 200, body: { definition, edges: edgesOf(definition) } };
    },
  };
}
