// GET /workflows/:name/versions/:version/figures: the live graph's and the overview's figures of a version in the
// catalogue, over the window asked for.
import type { Catalogue } from '../../core';
import { ApiError } from '../http/api-error';
import type { Handlers } from '../http/register-routes';
import type { WorkflowFigures } from './workflow-figures';

export function figuresHandlers(
  catalogue: Catalogue,
  figures: WorkflowFigures,
  clock: () => number,
): Pick<Handlers, 'figures'> {
  return {
    figures: async ({ params, query }) => {
      const definition = catalogue.get(params.name, params.version);
      if (definition === undefined)
        throw new ApiError(
          404,
          'unknown-version',
          `no version ${params.version} of ${params.name} in the catalogue`,
        );
      return { status: 200, body: await figures.read(definition, query.window, clock()) };
    },
  };
}
