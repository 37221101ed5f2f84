// Key commands on <prefix>.commands, served by the orchestrator that owns the instance's partition and never
// passed to the core. A key request asks it to create the instance's data key (once) before anything encrypted
// with it is published; a key rewrap asks it to wrap the key again with the current KEK (rotation). Going
// through the partition's single writer orders them with erasures: a rewrap never revives an erased key.
import type { CommandEnvelope } from './command-envelope';

export const KEY_REQUEST = 'key-request';
export const KEY_REWRAP = 'key-rewrap';

const keyCommand =
  (type: typeof KEY_REQUEST | typeof KEY_REWRAP) =>
  (correlationId: string, workflow: string, actor: string, now: number): CommandEnvelope => ({
    commandId: `${type}:${correlationId}:${now}`,
    correlationId,
    workflow,
    type,
    actor,
    timestamp: now,
    expectedSeq: null,
    sourceSeq: null,
    body: '{}',
  });

export const keyRequestEnvelope = keyCommand(KEY_REQUEST);
export const keyRewrapEnvelope = keyCommand(KEY_REWRAP);

export const isKeyCommand = (type: unknown): boolean => type === KEY_REQUEST || type === KEY_REWRAP;
