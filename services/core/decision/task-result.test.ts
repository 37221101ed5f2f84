// Task results: a success feeds the context and the state's join; a retryable failure with attempts left waits on
// a retry timer; a final failure takes the state's error path. Results of closed tasks or superseded runs change
// nothing but are recorded.
import { z } from 'zod';
import { createRegistry, retryDelay, setup, type JsonValue } from '../index';
import { Driver } from '../../../test/unit/core/driver';

type Ctx = { got: string[]; failure: string | null };

const flow = setup({
  types: {} as { context: Ctx },
  input: z.object({}),
  events: { poke: true, skip: true },
  tasks: {
    fetch: {
      retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 1_000 }, jitter: 0.2, fatalCodes: ['gone'] },
    },
    notify: { retry: { maxAttempts: 1 } },
    left: { retry: { maxAttempts: 1 } },
    right: { retry: { maxAttempts: 1 } },
  },
});

const got = (name: string) => (ctx: Ctx, output: JsonValue) => ({
  ...ctx,
  got: [...ctx.got, `${name}:${String(output)}`],
});
const failure = (ctx: Ctx, error: { message: string }) => ({ ...ctx, failure: error.message });

/** One retried task; a handler that emits a task of its own; an event that leaves the task behind. */
const fetcher = flow.define({
  name: 'fetcher',
  version: 1,
  initial: 'fetching',
  context: () => ({ got: [], failure: null }),
  states: {
    fetching: {
      invoke: {
        tasks: [{ task: 'fetch', assign: got('fetch') }],
        onDone: 'fetched',
        onError: { target: 'failed', update: failure },
      },
      on: { skip: { target: 'skipped' } },
    },
    fetched: { on: { poke: { tasks: [{ task: 'notify', assign: got('notify') }] } } },
    skipped: {},
    failed: { final: 'failed' },
  },
});

/** Two tasks invoked together, joined as `join` says. */
const pair = (join: 'all' | 'any') =>
  flow.define({
    name: 'pair',
    version: 1,
    initial: 'both',
    context: () => ({ got: [], failure: null }),
    states: {
      both: {
        invoke: {
          tasks: [
            { task: 'left', assign: got('left') },
            { task: 'right', assign: got('right') },
          ],
          join,
          onDone: 'done',
          onError: { target: 'failed', update: failure },
        },
      },
      done: { final: 'completed' },
      failed: { final: 'failed' },
    },
  });

const fetching = () => {
  const d = new Driver(createRegistry([fetcher]), { workflow: 'fetcher', correlationId: 'f-1' });
  d.start({});
  return d;
};
const joined = (join: 'all' | 'any') => {
  const d = new Driver(createRegistry([pair(join)]), { workflow: 'pair', correlationId: 'p-1' });
  d.start({});
  return d;
};

describe('retries', () => {
  test('a retryable failure waits on a retry timer, jittered below the backoff and the same on every replay', () => {
    const d = fetching();
    const run = d.request('fetch');
    const failed = d.fail('fetch', 'retryable', 'db busy');
    expect(failed.tasks).toEqual([]);
    expect(d.instance?.openTasks).toEqual([expect.objectContaining({ taskId: run.taskId, waiting: true })]);
    const [timer] = d.instance?.timers ?? [];
    expect(timer).toMatchObject({ kind: 'retry', timerId: `${run.runId}/retry`, taskId: run.taskId });
    const delay = (timer?.dueAt ?? 0) - d.now;
    // 1 000 ms fixed backoff less up to 20% jitter, drawn from the run id: the same on every replay.
    expect(delay).toBeGreaterThanOrEqual(800);
    expect(delay).toBeLessThanOrEqual(1_000);
    expect(delay).toBe(retryDelay(fetcher.tasks.get('fetch')!.retry, run.taskId, 1));
  });

  test('the retry timer’s firing requests the next attempt under a new run id of the same task', () => {
    const d = fetching();
    const first = d.request('fetch');
    d.fail('fetch', 'retryable');
    const delay = (d.instance?.timers[0]?.dueAt ?? 0) - d.now;
    expect(d.advance(delay - 1)).toEqual([]);
    const [fired] = d.advance(1);
    expect(fired?.records[0]).toMatchObject({
      kind: 'transition',
      event: 'retry',
      from: 'fetching',
      to: 'fetching',
    });
    expect(fired?.tasks).toEqual([
      expect.objectContaining({
        type: 'fetch',
        taskId: first.taskId,
        attempt: 2,
        runId: `${first.taskId}#2`,
      }),
    ]);
    expect(d.instance?.timers).toEqual([]);
    d.succeed('fetch', 'ok');
    expect(d.instance).toMatchObject({ state: 'fetched', context: { got: ['fetch:ok'] } });
  });

  test('exhausted retries take the error path with the last error', () => {
    const d = fetching();
    for (let i = 0; i < 2; i++) {
      d.fail('fetch', 'retryable');
      d.advance(1_000);
    }
    expect(d.request('fetch').attempt).toBe(3);
    d.fail('fetch', 'retryable', 'still broken');
    expect(d.instance).toMatchObject({
      state: 'failed',
      status: 'failed',
      timers: [],
      context: { failure: 'still broken' },
    });
  });

  test('a fatal failure takes the error path at once, and so does a retryable one whose code the policy calls fatal', () => {
    const fatal = fetching();
    fatal.fail('fetch', 'fatal', 'bad request');
    expect(fatal.instance).toMatchObject({
      state: 'failed',
      timers: [],
      context: { failure: 'bad request' },
    });
    const coded = fetching();
    coded.fail('fetch', 'retryable', 'not there', 'gone');
    expect(coded.instance).toMatchObject({ state: 'failed', timers: [], context: { failure: 'not there' } });
  });
});

describe('late results', () => {
  const lateResult = (d: Driver, run: { taskId: string; runId: string }) =>
    d.send({
      ...d.envelope(),
      type: 'task-result',
      taskId: run.taskId,
      runId: run.runId,
      outcome: { kind: 'succeeded', output: 'late' },
    });

  test('a result from a superseded run is ignored, and the dismissal is recorded', () => {
    const d = fetching();
    const first = d.request('fetch');
    d.fail('fetch', 'retryable');
    d.advance(1_000);
    const late = lateResult(d, first);
    expect(late.decision).toEqual({ kind: 'ignored', note: expect.stringContaining('not the current run') });
    expect(late.records).toEqual([expect.objectContaining({ kind: 'ignored' })]);
    expect(d.instance).toMatchObject({ state: 'fetching', seq: 3, context: { got: [] } });
  });

  test('a result while the task waits out its backoff is ignored: no attempt is in flight', () => {
    const d = fetching();
    const first = d.request('fetch');
    d.fail('fetch', 'retryable');
    expect(lateResult(d, first).decision).toEqual({
      kind: 'ignored',
      note: expect.stringContaining('not the current run'),
    });
    expect(d.instance?.timers).toHaveLength(1);
  });

  test('a result for a task its state abandoned is ignored, and the dismissal is recorded', () => {
    const d = fetching();
    const run = d.request('fetch');
    d.signal('skip');
    expect(d.instance).toMatchObject({ state: 'skipped', openTasks: [] });
    const late = lateResult(d, run);
    expect(late.decision).toEqual({ kind: 'ignored', note: `task ${run.taskId} is not open` });
    expect(late.records).toEqual([expect.objectContaining({ kind: 'ignored' })]);
    expect(d.instance).toMatchObject({ state: 'skipped', seq: 2 });
  });
});

describe('joins', () => {
  test('join all moves on only when every invoked task succeeded, folding each output into the context', () => {
    const d = joined('all');
    expect(d.types()).toEqual(['left', 'right']);
    d.succeed('right', 'R');
    expect(d.instance).toMatchObject({
      state: 'both',
      openTasks: [expect.objectContaining({ type: 'left' })],
    });
    d.succeed('left', 'L');
    expect(d.instance).toMatchObject({
      state: 'done',
      status: 'completed',
      context: { got: ['right:R', 'left:L'] },
    });
  });

  test('join all takes the error path at the first final failure', () => {
    const d = joined('all');
    d.fail('left', 'fatal', 'left broke');
    expect(d.instance).toMatchObject({ state: 'failed', openTasks: [], context: { failure: 'left broke' } });
  });

  test('join any moves on at the first success and closes the others; their later results are ignored', () => {
    const d = joined('any');
    d.succeed('right', 'R');
    expect(d.instance).toMatchObject({ state: 'done', openTasks: [], context: { got: ['right:R'] } });
    expect(d.succeed('left', 'L').decision).toEqual({
      kind: 'ignored',
      note: expect.stringContaining('is not open'),
    });
    expect(d.instance?.context).toEqual({ got: ['right:R'], failure: null });
  });

  test('join any takes the error path only once every task failed', () => {
    const d = joined('any');
    d.fail('left', 'fatal', 'left broke');
    expect(d.instance).toMatchObject({
      state: 'both',
      openTasks: [expect.objectContaining({ type: 'right' })],
    });
    d.fail('right', 'fatal', 'right broke');
    expect(d.instance).toMatchObject({ state: 'failed', context: { failure: 'right broke' } });
  });
});

test('a task a handler emits is not joined: its success feeds the context, its final failure is recorded and the state stays', () => {
  const d = fetching();
  d.succeed('fetch', 'ok');
  expect(d.signal('poke').tasks).toEqual([expect.objectContaining({ type: 'notify', kind: 'action' })]);
  d.succeed('notify', 'sent');
  expect(d.instance).toMatchObject({
    state: 'fetched',
    openTasks: [],
    context: { got: ['fetch:ok', 'notify:sent'] },
  });
  d.signal('poke');
  const failed = d.fail('notify', 'fatal', 'mail down');
  expect(failed.records).toEqual([
    expect.objectContaining({ kind: 'transition', from: 'fetched', to: 'fetched' }),
  ]);
  expect(d.instance).toMatchObject({ state: 'fetched', status: 'running', openTasks: [] });
});
