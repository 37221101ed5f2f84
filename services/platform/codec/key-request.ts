// A key request on <prefix>.commands: asks the orchestrator that owns the instance's partition to create its data
// key (once) before anything encrypted with it is published. It carries no data and never reaches the core.
import type { CommandEnvelope } from './command-envelope';

export const KEY_REQUEST = 'key-request';

export const keyRequestEnvelope = (
  correlationId: string,
  workflow: string,
  actor: string,
  now: number,
): CommandEnvelope => ({
  commandId: `${KEY_REQUEST}:${correlationId}`,
  correlationId,
  workflow,
  type: KEY_REQUEST,
  actor,
  timestamp: now,
  expectedSeq: null,
  sourceSeq: null,
  body: '{}',
});
