// Waits for the outcome of a command: the projection (of any replica) writes it to Redis and announces its
// commandId on a pub/sub channel. Registering before reading closes the gap between the two.
import type { Redis } from 'ioredis';
import type { CommandOutcome } from '../projection/command-outcome';
import type { ReadModel } from '../projection/read-model';

export class OutcomeWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();

  private constructor(
    private readonly subscriber: Redis,
    private readonly readModel: ReadModel,
  ) {}

  /** Takes over `subscriber`: a connection in subscriber mode serves nothing else. */
  static async connect(subscriber: Redis, channel: string, readModel: ReadModel): Promise<OutcomeWaiter> {
    const waiter = new OutcomeWaiter(subscriber, readModel);
    subscriber.on('message', (from: string, commandId: string) => {
      if (from === channel) waiter.notify(commandId);
    });
    await subscriber.subscribe(channel);
    return waiter;
  }

  /** The outcome of `commandId` for instance `correlationId` once known, or undefined when `timeoutMs` passes first. */
  async wait(
    correlationId: string,
    commandId: string,
    timeoutMs: number,
  ): Promise<CommandOutcome | undefined> {
    let wake: () => void = () => undefined;
    const announced = new Promise<void>((resolve) => (wake = resolve));
    const listeners = this.waiting.get(commandId) ?? new Set<() => void>();
    listeners.add(wake);
    this.waiting.set(commandId, listeners);
    let timer: NodeJS.Timeout | undefined;
    try {
      const known = await this.readModel.outcome(correlationId, commandId);
      if (known !== undefined || timeoutMs <= 0) return known;
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([announced, expired]);
      return await this.readModel.outcome(correlationId, commandId);
    } finally {
      clearTimeout(timer);
      listeners.delete(wake);
      if (listeners.size === 0) this.waiting.delete(commandId);
    }
  }

  async close(): Promise<void> {
    for (const listeners of this.waiting.values()) for (const wake of listeners) wake();
    this.waiting.clear();
    await this.subscriber.quit();
  }

  private notify(commandId: string): void {
    for (const wake of this.waiting.get(commandId) ?? []) wake();
  }
}
