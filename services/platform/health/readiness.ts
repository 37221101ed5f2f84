// What a service still waits for before it can do its work: each dependency it could not reach yet. Served as
// /readyz (503 while anything is awaited), so a supervisor keeps traffic away instead of restarting it.
export class Readiness {
  private readonly waiting = new Set<string>();
  private started = false;

  /** `dependency` could not be reached yet. */
  waitingFor(dependency: string): void {
    this.waiting.add(dependency);
  }

  reached(dependency: string): void {
    this.waiting.delete(dependency);
  }

  /** Every dependency was reached once and the service's work has begun. */
  markStarted(): void {
    this.started = true;
  }

  get ready(): boolean {
    return this.started && this.waiting.size === 0;
  }

  /** What the service waits for, for its health endpoint and logs. */
  awaited(): string[] {
    return [...this.waiting].sort();
  }
}
