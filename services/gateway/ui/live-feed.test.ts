import type { ProjectedRecord } from '../projection/transitions-projection';
import { LiveFeed, LiveFeedFullError, type ChangeNotice, type LiveStream } from './live-feed';

const applied = (correlationId: string, workflow: string, state: string): ProjectedRecord =>
  ({
    position: { partition: 0, offset: 1 },
    record: { kind: 'transition', correlationId, workflow },
    result: {
      kind: 'applied',
      instance: {
        correlationId,
        workflow,
        version: 1,
        state,
        status: 'running',
        seq: 2,
        context: { secret: 1 },
      },
    },
  }) as unknown as ProjectedRecord;

const stream = (workflows: readonly string[] | null, capacity = Infinity) => {
  const heard: ChangeNotice[] = [];
  let closed = false;
  const s: LiveStream = {
    workflows,
    send: (notice) => {
      heard.push(notice);
      return heard.length <= capacity;
    },
    close: () => void (closed = true),
  };
  return { s, heard, closed: () => closed };
};

test('a notice names the instance, its state and status, never its context', () => {
  const feed = new LiveFeed(10);
  const all = stream(null);
  feed.open(all.s);
  feed.publish(applied('o-1', 'order-saga', 'shipping'));
  expect(all.heard).toEqual([
    {
      correlationId: 'o-1',
      workflow: 'order-saga',
      version: 1,
      state: 'shipping',
      status: 'running',
      seq: 2,
    },
  ]);
});

test('a stream scoped to some workflows hears only of theirs; a record folded before is not announced', () => {
  const feed = new LiveFeed(10);
  const scoped = stream(['billing']);
  feed.open(scoped.s);
  feed.publish(applied('o-1', 'order-saga', 'shipping'));
  feed.publish({ ...applied('b-1', 'billing', 'open'), result: { kind: 'seen' } } as ProjectedRecord);
  feed.publish(applied('b-2', 'billing', 'open'));
  expect(scoped.heard.map((n) => n.correlationId)).toEqual(['b-2']);
});

test('at most maxStreams streams; a closed one frees its place', () => {
  const feed = new LiveFeed(1);
  const remove = feed.open(stream(null).s);
  expect(() => feed.open(stream(null).s)).toThrow(LiveFeedFullError);
  remove();
  expect(() => feed.open(stream(null).s)).not.toThrow();
});

test('a stream too far behind is closed and dropped', () => {
  const feed = new LiveFeed(10);
  const slow = stream(null, 1);
  feed.open(slow.s);
  feed.publish(applied('o-1', 'w', 'a'));
  expect(slow.closed()).toBe(false);
  feed.publish(applied('o-2', 'w', 'b'));
  expect(slow.closed()).toBe(true);
  expect(feed.size).toBe(0);
});
