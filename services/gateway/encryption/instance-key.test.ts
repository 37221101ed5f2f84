import { randomBytes } from 'node:crypto';
import { correlationId } from '../../core';
import type { ResolvedKey } from '../../platform/crypto';
import type { CommandEnvelope } from '../../platform/codec/command-envelope';
import { ApiError } from '../http/api-error';
import { instanceKey } from './instance-key';

const command = { correlationId: correlationId('order-1'), workflow: 'order-saga', actor: 'alice' };

/** A runtime answering `now` at once and `later` after a wait; the requests it was sent are recorded. */
function keys(now: ResolvedKey, later: ResolvedKey) {
  const requests: CommandEnvelope[] = [];
  const waits: number[] = [];
  const options = {
    runtime: {
      keyFor: async (_correlationId: string, waitMs: number) => {
        waits.push(waitMs);
        return waitMs === 0 ? now : later;
      },
    },
    requestKey: async (envelope: CommandEnvelope) => void requests.push(envelope),
    clock: () => 42,
    waitMs: 250,
  };
  return { options, requests, waits };
}

test('a known key is used without asking the orchestrator', async () => {
  const dataKey = randomBytes(32);
  const { options, requests } = keys(dataKey, undefined);
  expect(await instanceKey(options, command)).toBe(dataKey);
  expect(requests).toEqual([]);
});

test('a missing key is requested once on the commands topic and waited for', async () => {
  const dataKey = randomBytes(32);
  const { options, requests, waits } = keys(undefined, dataKey);
  expect(await instanceKey(options, command)).toBe(dataKey);
  expect(requests).toEqual([
    expect.objectContaining({ type: 'key-request', correlationId: 'order-1', actor: 'alice', timestamp: 42 }),
  ]);
  expect(waits).toEqual([0, 250]);
});

test('an erased key is a 409 erased, a key that never came a retriable 503 key-unavailable', async () => {
  const erased = await instanceKey(keys('erased', undefined).options, command).catch((error) => error);
  expect(erased).toBeInstanceOf(ApiError);
  expect(erased).toMatchObject({ status: 409, code: 'erased', retriable: false });
  const missing = await instanceKey(keys(undefined, undefined).options, command).catch((error) => error);
  expect(missing).toMatchObject({ status: 503, code: 'key-unavailable', retriable: true });
});
