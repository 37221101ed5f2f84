// The data key a command's sensitive fields are encrypted with. An instance without one yet asks the orchestrator
// that owns its partition to create it (a key request on the commands topic) and waits for it to appear in the
// keys topic. An erased key refuses the command: nothing readable may be written for that instance again.
import type { Command } from '../../core';
import type { CommandEnvelope } from '../../platform/codec/command-envelope';
import { keyRequestEnvelope } from '../../platform/codec/key-request';
import type { CryptoRuntime } from '../../platform/crypto/crypto-runtime';
import { ApiError } from '../http/api-error';

/** How long a command waits for the orchestrator to create its instance's key. */
export const KEY_WAIT_MS = 10_000;

export interface InstanceKeyOptions {
  readonly runtime: Pick<CryptoRuntime, 'keyFor'>;
  /** Publishes a key request to the commands topic. */
  readonly requestKey: (envelope: CommandEnvelope) => Promise<void>;
  readonly clock: () => number;
  readonly waitMs?: number;
}

type KeyedCommand = Pick<Command, 'correlationId' | 'workflow' | 'actor'>;

/** The instance's data key; ApiError 409 `erased` after erasure, 503 `key-unavailable` when none came in time. */
export async function instanceKey(options: InstanceKeyOptions, command: KeyedCommand): Promise<Buffer> {
  const { runtime } = options;
  const { correlationId, workflow, actor } = command;
  const waitMs = options.waitMs ?? KEY_WAIT_MS;
  let key = await runtime.keyFor(correlationId, 0);
  if (key === undefined) {
    await options.requestKey(keyRequestEnvelope(correlationId, workflow, actor, options.clock()));
    key = await runtime.keyFor(correlationId, waitMs);
  }
  if (key === 'erased') throw erased(correlationId);
  if (key === undefined) throw unavailable(correlationId, waitMs);
  return key;
}

const erased = (correlationId: string) =>
  new ApiError(
    409,
    'erased',
    `the data key of ${correlationId} was erased: the instance accepts no sensitive data any more`,
    { correlationId },
  );

const unavailable = (correlationId: string, waitMs: number) =>
  new ApiError(
    503,
    'key-unavailable',
    `no data key for ${correlationId} within ${waitMs} ms; retry with the same Idempotency-Key`,
    { correlationId },
    true,
  );
