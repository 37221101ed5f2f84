// Paces the resumes of rate-limited task types on one partition: a token bucket per type, filled at the
// partition's share of the fleet's rate, holding at most one second's worth. The decision stays in the log: a
// run is dispatched only by the resume command this pacer let through, which the partition decides and records.

export class ResumePacer {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** How many of `wanted` runs of `taskType` may be resumed at `now`, at `perSecond` for this partition. */
  take(taskType: string, wanted: number, perSecond: number, now: number): number {
    const cap = Math.max(1, perSecond);
    const bucket = this.buckets.get(taskType) ?? { tokens: cap, at: now };
    const tokens = Math.min(cap, bucket.tokens + (perSecond * Math.max(0, now - bucket.at)) / 1000);
    const taken = Math.min(wanted, Math.floor(tokens));
    this.buckets.set(taskType, { tokens: tokens - taken, at: now });
    return taken;
  }
}
