// GET /instances/:id and /instances/:id/history: the read model, redacted by the instance's definition; the fields
// of an erased instance read `[erased]`.
import type { Catalogue } from '../../core';
import type { ErasureView } from '../encryption/erasure-view';
import { ApiError } from '../http/api-error';
import type { Handlers } from '../http/register-routes';
import type { ReadModel } from '../projection/read-model';
import { instanceView, recordView } from './instance-view';
import { sensitivityOf } from './sensitivity';

export function instanceHandlers(
  catalogue: Catalogue,
  readModel: ReadModel,
  erasure: ErasureView,
): Pick<Handlers, 'instance' | 'history'> {
  const find = async (id: string) => {
    const instance = await readModel.instance(id);
    if (instance === undefined)
      throw new ApiError(404, 'unknown-instance', `no instance ${id} in the read model`);
    return { instance, sensitivity: sensitivityOf(catalogue, instance.workflow, instance.version) };
  };
  return {
    instance: async ({ params }) => {
      const { instance, sensitivity } = await find(params.id);
      return { status: 200, body: instanceView(instance, sensitivity, erasure(params.id)) };
    },
    history: async ({ params, query }) => {
      const { sensitivity } = await find(params.id);
      const records = await readModel.history(params.id, query.from, query.limit);
      const shown = erasure(params.id);
      const body = {
        correlationId: params.id,
        from: query.from,
        records: records.map((r) => recordView(r, sensitivity, shown)),
      };
      return { status: 200, body };
    },
  };
}
