// Consumer lag of the commands partitions this process owns: the topic's end offsets minus the group's committed
// offsets, read from the brokers when Prometheus scrapes. A slow or failed read answers the last known lag.
import type { LogAdmin } from '../platform/kafka/log-admin';
import type { Logger } from '../platform/logging/logger';

/** A scrape must not hang on an unreachable broker; the previous reading is answered instead. */
const READ_TIMEOUT_MS = 2_000;

export class ConsumerLag {
  private last: ReadonlyMap<number, number> = new Map();

  constructor(
    private readonly admin: LogAdmin,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly logger: Logger,
  ) {}

  async read(owned: readonly number[]): Promise<ReadonlyMap<number, number>> {
    if (owned.length === 0) return (this.last = new Map());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
    });
    try {
      this.last = await Promise.race([this.fetch(owned), timeout]);
    } catch (error) {
      this.logger.warn({ err: error, topic: this.topic }, 'reading consumer lag failed');
    } finally {
      clearTimeout(timer);
    }
    return this.last;
  }

  private async fetch(owned: readonly number[]): Promise<Map<number, number>> {
    const [ends, committed] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topic),
      this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
    ]);
    const committedOf = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
    );
    const lag = new Map<number, number>();
    for (const end of ends) {
      if (!owned.includes(end.partition)) continue;
      const done = committedOf.get(end.partition) ?? -1;
      const low = Number(end.low);
      lag.set(end.partition, Math.max(0, Number(end.high) - (done < 0 ? low : done)));
    }
    return lag;
  }
}
