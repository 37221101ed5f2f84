// Fans the projection's folded records out to the UI's open event streams as small change notices. Bounded: at
// most `maxStreams` streams, each with at most `maxQueued` unsent notices; a stream that falls further behind is
// closed (the browser reconnects and re-reads), so a slow client never holds the gateway's memory.
import type { ProjectedRecord } from '../projection/transitions-projection';

/** What a stream is told: an instance changed (or left the read model); the page re-reads what it shows. */
export interface ChangeNotice {
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number | null;
  readonly state: string | null;
  readonly status: string | null;
  readonly seq: number | null;
}

export interface LiveStream {
  /** The workflows it may hear of; null for every workflow. */
  readonly workflows: readonly string[] | null;
  /** Writes one notice; false when the stream's queue is full. */
  send(notice: ChangeNotice): boolean;
  close(): void;
}

export class LiveFeedFullError extends Error {
  readonly code = 'live-feed-full';
  readonly retriable = true;
  constructor(limit: number) {
    super(`at most ${limit} live streams are open`);
    this.name = 'LiveFeedFullError';
  }
}

export class LiveFeed {
  private readonly streams = new Set<LiveStream>();

  constructor(readonly maxStreams: number) {}

  get size(): number {
    return this.streams.size;
  }

  /** Adds a stream; returns its removal. Throws LiveFeedFullError at the limit. */
  open(stream: LiveStream): () => void {
    if (this.streams.size >= this.maxStreams) throw new LiveFeedFullError(this.maxStreams);
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  publish({ record, result }: ProjectedRecord): void {
    if (result.kind === 'seen' || this.streams.size === 0) return;
    const instance = result.kind === 'applied' ? result.instance : undefined;
    const notice: ChangeNotice = {
      correlationId: record.correlationId,
      workflow: record.workflow,
      version: instance?.version ?? null,
      state: instance?.state ?? null,
      status: instance?.status ?? null,
      seq: instance?.seq ?? null,
    };
    for (const stream of this.streams) {
      if (stream.workflows !== null && !stream.workflows.includes(notice.workflow)) continue;
      if (!stream.send(notice)) {
        this.streams.delete(stream);
        stream.close();
      }
    }
  }

  closeAll(): void {
    for (const stream of this.streams) stream.close();
    this.streams.clear();
  }
}
