// GET /instances/:id/steps: the instance as it was after each record of its history, folded with the core's
// `evolve` from the records alone (replay runs no team code), each step redacted as GET /instances/:id is.
import { evolve, type Catalogue, type Instance } from '../../core';
import type { ErasureView } from '../encryption/erasure-view';
import { ApiError } from '../http/api-error';
import type { Handlers } from '../http/register-routes';
import type { ReadModel } from '../projection/read-model';
import { instanceView, recordView } from './instance-view';
import { sensitivityOf } from './sensitivity';

/** The history list holds at most this many records per request; older instances show their first steps. */
export const MAX_STEPS = 1000;

export function stepsHandler(
  catalogue: Catalogue,
  readModel: ReadModel,
  erasure: ErasureView,
): Pick<Handlers, 'steps'> {
  return {
    steps: async ({ params }) => {
      const current = await readModel.instance(params.id);
      if (current === undefined)
        throw new ApiError(404, 'unknown-instance', `no instance ${params.id} in the read model`);
      const sensitivity = sensitivityOf(catalogue, current.workflow, current.version);
      const shown = erasure(params.id);
      const records = await readModel.history(params.id, 0, MAX_STEPS);
      let instance: Instance | undefined;
      const steps = [];
      for (const record of records) {
        if (record.kind === 'purged') break;
        instance = evolve(instance, record);
        steps.push({
          record: recordView(record, sensitivity, shown),
          instance: instanceView(instance, sensitivity, shown),
        });
      }
      return { status: 200, body: { correlationId: params.id, steps } };
    },
  };
}
