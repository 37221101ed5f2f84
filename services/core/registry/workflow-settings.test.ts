// Run-time workflow settings: a settings command is validated against the registry and merged; the registry seen
// through the settings picks versions by the rule and gives new instances the window.
import { z } from 'zod';
import {
  changeSettings,
  createRegistry,
  decideSettings,
  RECENT_SETTINGS_COMMANDS,
  DEPLOYED,
  parseCommand,
  setup,
  withSettings,
  type WorkflowSettings,
  type WorkflowSettingsCommand,
} from '../index';
import { Driver } from '../../../test/unit/core/driver';

const flow = setup({
  types: {} as { context: { n: number } },
  input: z.object({ n: z.number() }),
  events: {},
  tasks: {},
});
const version = (v: number) =>
  flow.define({
    name: 'counter',
    version: v,
    initial: 'open',
    context: (input) => ({ n: input.n }),
    states: { open: {}, done: { final: 'completed' } },
  });
const registry = createRegistry([version(1), version(2)]);

const command = (fields: Record<string, unknown>): WorkflowSettingsCommand => {
  const parsed = parseCommand({
    commandId: 'set-1',
    correlationId: 'workflow:counter',
    workflow: 'counter',
    actor: 'ops',
    timestamp: 1,
    type: 'workflow-settings',
    ...fields,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.command as WorkflowSettingsCommand;
};

test('a change merges into the current settings; absent keeps, null resets; unknown versions are refused', () => {
  const pinned = changeSettings(registry, DEPLOYED, command({ rollout: { kind: 'pinned', version: 1 } }));
  expect(pinned).toEqual({
    ok: true,
    settings: { rollout: { kind: 'pinned', version: 1 }, dedupe: null, revision: 1, recent: [] },
  });
  const settings = (pinned as { settings: WorkflowSettings }).settings;
  const windowed = changeSettings(registry, settings, command({ dedupe: { count: 5, ageMs: 1000 } }));
  expect(windowed).toMatchObject({
    ok: true,
    settings: { rollout: { kind: 'pinned' }, dedupe: { count: 5 }, revision: 2 },
  });
  expect(changeSettings(registry, settings, command({ rollout: null }))).toMatchObject({
    settings: { rollout: null, revision: 2 },
  });
  expect(changeSettings(registry, settings, command({ rollout: { kind: 'pinned', version: 7 } }))).toEqual({
    ok: false,
    message: 'rollout of counter names unknown version 7',
  });
  expect(parseCommand({ ...command({}), type: 'workflow-settings', dedupe: { count: 0, ageMs: 1 } }).ok).toBe(
    false,
  );
});

test('new instances start on the version the rule picks and get the window; the core refuses the command itself', () => {
  let current: WorkflowSettings = DEPLOYED;
  const live = withSettings(registry, () => current);
  const start = (id: string) => {
    const d = new Driver(live, { workflow: 'counter', correlationId: id });
    d.start({ n: 1 });
    return d.instance!;
  };
  expect(start('a').version).toBe(2);
  current = {
    rollout: { kind: 'pinned', version: 1 },
    dedupe: { count: 3, ageMs: 60_000 },
    revision: 1,
    recent: [],
  };
  expect(start('b')).toMatchObject({ version: 1, window: { count: 3, ageMs: 60_000 } });
  expect(live.get('counter', 1)).toBe(live.get('counter', 1));
  const d = new Driver(live, { workflow: 'counter', correlationId: 'workflow:counter' });
  expect(d.send(command({ rollout: null })).decision).toMatchObject({
    kind: 'rejected',
    reason: { code: 'invalid-command' },
  });
});

describe('decideSettings', () => {
  const apply = (current: WorkflowSettings, id: string, fields: Record<string, unknown>) => {
    const decision = decideSettings(registry, current, command({ commandId: id, ...fields }));
    if (decision.kind !== 'applied') throw new Error(`${id}: ${decision.kind}`);
    return decision.settings;
  };

  test('a repeated settings command is a duplicate however many others came between', () => {
    let current = apply(DEPLOYED, 'pin-1', { rollout: { kind: 'pinned', version: 1 } });
    for (let i = 0; i < 10; i++)
      current = apply(current, `window-${i}`, { dedupe: { count: i + 1, ageMs: 1 } });
    const again = decideSettings(
      registry,
      current,
      command({ commandId: 'pin-1', rollout: { kind: 'pinned', version: 1 } }),
    );
    expect(again).toEqual({ kind: 'duplicate' });
    expect(current.revision).toBe(11);
  });

  test('it remembers the latest RECENT_SETTINGS_COMMANDS changes, oldest forgotten first', () => {
    let current = DEPLOYED;
    for (let i = 0; i <= RECENT_SETTINGS_COMMANDS; i++) current = apply(current, `c-${i}`, { rollout: null });
    expect(current.recent).toHaveLength(RECENT_SETTINGS_COMMANDS);
    expect(current.recent[0]).toBe('c-1');
    expect(decideSettings(registry, current, command({ commandId: 'c-0', rollout: null })).kind).toBe(
      'applied',
    );
  });

  test('a command keyed other than workflow:<name>, or naming an unknown version, is invalid', () => {
    expect(
      decideSettings(registry, DEPLOYED, command({ correlationId: 'counter', rollout: null })),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'settings of counter are keyed workflow:counter',
    });
    expect(
      decideSettings(registry, DEPLOYED, command({ rollout: { kind: 'pinned', version: 9 } })),
    ).toMatchObject({
      kind: 'invalid',
    });
  });

  test('a command with an expectedSeq applies only to that revision; its reason parses along', () => {
    const current = apply(DEPLOYED, 'canary', {
      rollout: { kind: 'canary', stable: 1, canary: 2, percent: 10 },
    });
    const revert = (id: string, expectedSeq: number) =>
      command({ commandId: id, expectedSeq, rollout: { kind: 'pinned', version: 1 }, reason: 'failing' });
    expect(revert('r-1', 1).reason).toBe('failing');
    expect(decideSettings(registry, current, revert('r-1', 1))).toMatchObject({
      kind: 'applied',
      settings: { rollout: { kind: 'pinned', version: 1 }, revision: 2 },
    });
    expect(decideSettings(registry, current, revert('r-0', 0))).toEqual({
      kind: 'invalid',
      reason: 'settings of counter are at revision 1, not 0',
    });
  });
});
