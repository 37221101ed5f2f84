// Keeps the search index in step with the read model: after each record the projection folds, the instance's
// index entries are rewritten from the result (applied: the new instance; purged: removed; already folded: from
// what the read model holds, which repairs an index write lost to a stop).
import type { ProjectedRecord } from '../projection/transitions-projection';
import type { ReadModel } from '../projection/read-model';
import { unreachable } from '../../core/unreachable';
import type { InstanceIndex } from './instance-index';

export class IndexFollower {
  constructor(
    private readonly index: InstanceIndex,
    private readonly readModel: ReadModel,
  ) {}

  async follow({ position, record, result }: ProjectedRecord): Promise<void> {
    switch (result.kind) {
      case 'applied':
        await this.index.upsert(position.offset, result.instance);
        return;
      case 'purged':
        await this.index.remove(position.offset, record.correlationId);
        return;
      case 'seen':
        await this.index.sync(
          position,
          await this.readModel.folded(record.correlationId),
          record.correlationId,
        );
        return;
      default:
        unreachable(result);
    }
  }
}
