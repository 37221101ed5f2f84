// Redis keys of the gateway's read model. Instance and history share a hash tag so one script touches one slot.

export interface InstanceKeys {
  /** Hash: `instance` (folded JSON), `partition`, `offset` of the last record folded in. */
  readonly instance: string;
  /** List of the instance's log records as JSON, in log order. */
  readonly history: string;
}

export interface ReadModelKeys {
  instance(correlationId: string): InstanceKeys;
  /** The outcome of one command for one instance, written when the projection sees the record that resolves it. */
  outcome(correlationId: string, commandId: string): string;
  /** Pub/sub channel announcing each outcome's commandId, so any replica can answer `?wait`. */
  readonly outcomes: string;
  /** The idempotency record of one command the gateway derived from a caller's Idempotency-Key. */
  idempotency(commandId: string): string;
  /** Set of the idempotency record keys of one instance's commands: an erasure deletes them. */
  idempotencyOf(correlationId: string): string;
}

export function readModelKeys(redisPrefix: string): ReadModelKeys {
  return {
    instance: (correlationId) => {
      const tag = `{${correlationId}}`;
      return { instance: `${redisPrefix}:instance:${tag}`, history: `${redisPrefix}:history:${tag}` };
    },
    outcome: (correlationId, commandId) => `${redisPrefix}:outcome:{${correlationId}}:${commandId}`,
    outcomes: `${redisPrefix}:outcomes`,
    idempotency: (commandId) => `${redisPrefix}:idempotency:${commandId}`,
    idempotencyOf: (correlationId) => `${redisPrefix}:idempotency-of:{${correlationId}}`,
  };
}
