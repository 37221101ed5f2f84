// The gateway's change notices (/ui/events) read with fetch streaming, so the Authorization header goes with
// them; reconnects after a pause when the stream ends, until stopped.
import { headers } from './api';

export interface ChangeNotice {
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number | null;
  readonly state: string | null;
  readonly status: string | null;
  readonly seq: number | null;
}

type Listener = (notice: ChangeNotice) => void;

const listeners = new Set<Listener>();
let controller: AbortController | null = null;

/** Subscribes; the stream is open while anyone listens. Returns the unsubscribe function. */
export function onChange(listener: Listener): () => void {
  listeners.add(listener);
  if (controller === null) void run();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      controller?.abort();
      controller = null;
    }
  };
}

async function run(): Promise<void> {
  const own = new AbortController();
  controller = own;
  while (!own.signal.aborted) {
    try {
      await readStream(own.signal);
    } catch {
      // The stream ended or failed: reconnect below unless stopped.
    }
    if (own.signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function readStream(signal: AbortSignal): Promise<void> {
  const response = await fetch('/ui/events', { headers: headers(), signal, cache: 'no-store' });
  if (!response.ok || response.body === null) throw new Error(`stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) return;
    buffer += chunk;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

function dispatch(frame: string): void {
  const data = frame
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6))
    .join('\n');
  if (data === '') return;
  const notice = JSON.parse(data) as ChangeNotice;
  for (const listener of listeners) listener(notice);
}
