// What each command asks of an instance's data key: decided in the core, carried out by the orchestrator.
import { keyEffectOf, parseCommand, type Command } from '../index';

const command = (fields: Record<string, unknown>): Command => {
  const parsed = parseCommand({
    commandId: 'c-1',
    correlationId: 'order-1',
    workflow: 'order-saga',
    actor: 'test',
    timestamp: 1,
    ...fields,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.command;
};

test('a start and a key request ensure the key, a rewrap rewraps it, an erasure shreds it', () => {
  expect(keyEffectOf(command({ type: 'start', input: {} }))).toBe('ensure');
  expect(keyEffectOf(command({ type: 'key-request' }))).toBe('ensure');
  expect(keyEffectOf(command({ type: 'key-rewrap' }))).toBe('rewrap');
  expect(keyEffectOf(command({ type: 'admin', action: 'erase' }))).toBe('shred');
});

test('every other command leaves the key alone', () => {
  for (const fields of [
    { type: 'signal', event: 'e', payload: {} },
    { type: 'cancel', reason: 'r' },
    { type: 'timer-fired', timerId: 't' },
    { type: 'admin', action: 'purge' },
    { type: 'admin', action: 'migrate', targetVersion: 2 },
    { type: 'workflow-settings', rollout: null },
  ]) {
    expect(keyEffectOf(command(fields))).toBeNull();
  }
});
