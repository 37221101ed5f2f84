// How many `?wait` requests may hold a connection open at once: in total and per caller, so one caller cannot
// take every slot. A request over a limit is refused before anything is published; the caller retries.
import { ApiError } from '../http/api-error';

export interface WaiterLimits {
  readonly total: number;
  readonly perCaller: number;
}

export class WaiterLimit {
  private held = 0;
  private readonly byCaller = new Map<string, number>();

  constructor(private readonly limits: WaiterLimits) {}

  /** Takes a slot for `caller`, or throws a retriable 429; the returned function gives it back (once). */
  acquire(caller: string): () => void {
    const mine = this.byCaller.get(caller) ?? 0;
    if (this.held >= this.limits.total || mine >= this.limits.perCaller) {
      const scope = mine >= this.limits.perCaller ? 'caller' : 'gateway';
      throw new ApiError(
        429,
        'too-many-waiters',
        `too many requests waiting for outcomes (${scope} limit); retry, or send without ?wait`,
        { limit: scope === 'caller' ? this.limits.perCaller : this.limits.total },
        true,
      );
    }
    this.held += 1;
    this.byCaller.set(caller, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= 1;
      const left = (this.byCaller.get(caller) ?? 1) - 1;
      if (left === 0) this.byCaller.delete(caller);
      else this.byCaller.set(caller, left);
    };
  }
}
