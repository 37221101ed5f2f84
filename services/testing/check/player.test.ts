// The player's checks must be able to fail: an environment that loses a record, or answers a duplicate with a
// new record, is caught by the property it breaks.
import { z } from 'zod';
import { setup, type Command, type LogRecord, type Step } from '../../core';
import { TestEnvironment } from '../test-environment';
import { Player, Violation, type Coverage } from './player';
import { stateGraph } from './reachability';

const flow = setup({
  types: {} as { context: { n: number } },
  input: z.object({}),
  events: { bump: true },
  tasks: {},
}).define({
  name: 'flow',
  version: 1,
  initial: 'open',
  context: () => ({ n: 0 }),
  cancel: 'closed',
  states: {
    open: { on: { bump: { update: (ctx) => ({ n: ctx.n + 1 }) } } },
    closed: { final: 'cancelled' },
  },
});

const coverage = (): Coverage => ({ reached: new Set(), commands: 0, duplicates: 0 });

function playWith(env: TestEnvironment, moves: Parameters<Player['play']>[0][]): void {
  const player = new Player(env, flow, stateGraph(flow), coverage());
  moves.forEach((move) => player.play(move));
}

const start = { k: 'start' as const, instance: 0, input: {} };
const bump = { k: 'signal' as const, instance: 0, event: 'bump', payload: {} };

test('the moves of a sound environment pass every check', () => {
  expect(() =>
    playWith(new TestEnvironment({ workflows: [flow] }), [start, bump, { k: 'duplicate', pick: 1 }, bump]),
  ).not.toThrow();
});

test('a log that lost a record no longer replays to the live instance', () => {
  class Forgetful extends TestEnvironment {
    override log(correlationId: string): LogRecord[] {
      const log = super.log(correlationId);
      return log.length > 1 ? log.slice(0, -1) : log;
    }
  }
  expect(() => playWith(new Forgetful({ workflows: [flow] }), [start, bump])).toThrow(Violation);
  expect(() => playWith(new Forgetful({ workflows: [flow] }), [start, bump])).toThrow(/does not reproduce/);
});

test('a duplicate answered with a new transition is caught', () => {
  class Forgetting extends TestEnvironment {
    private seen = new Set<string>();
    override send(command: Command): Step {
      // Re-decides a repeated signal under a fresh id, as a store without a dedupe window would.
      const again = this.seen.has(command.commandId);
      this.seen.add(command.commandId);
      return super.send(again ? { ...command, commandId: `${command.commandId}-again` as never } : command);
    }
  }
  expect(() =>
    playWith(new Forgetting({ workflows: [flow] }), [start, bump, { k: 'duplicate', pick: 1 }]),
  ).toThrow(/a duplicate of test-2 \(signal\) changed the instance: decided applied, 1 records/);
});
