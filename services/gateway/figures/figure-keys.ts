// Redis keys of the graph figures: one hash per workflow version and time bucket (a minute, or an hour for the day
// window) whose fields count the bucket's transitions per edge, dwells per state and bucket, and starts and ends.
// Buckets expire soon after the longest window that reads them, so the figures hold a bounded number of keys.
import type { BucketSize } from './figure-window';

/** How long a bucket outlives its own span: the longest window reading it, and a margin. */
export const BUCKET_TTL_S: Readonly<Record<BucketSize, number>> = { minute: 2 * 3600, hour: 26 * 3600 };

export interface FigureKeys {
  bucket(workflow: string, version: number, size: BucketSize, bucket: number): string;
}

export function figureKeys(redisPrefix: string): FigureKeys {
  const base = `${redisPrefix}:{figures}`;
  return {
    bucket: (workflow, version, size, bucket) =>
      `${base}:${size === 'minute' ? 'm' : 'h'}:${encodeURIComponent(workflow)}:${version}:${bucket}`,
  };
}

const part = encodeURIComponent;

/** The fields of a bucket hash. */
export const field = {
  edge: (from: string, to: string) => `e:${part(from)}:${part(to)}`,
  dwell: (state: string, bucket: number) => `d:${part(state)}:${bucket}`,
  /** `start`, or the status an instance finished with. */
  flow: (what: string) => `n:${what}`,
};

export type ParsedField =
  | { readonly kind: 'edge'; readonly from: string; readonly to: string }
  | { readonly kind: 'dwell'; readonly state: string; readonly bucket: number }
  | { readonly kind: 'flow'; readonly what: string };

export function parseField(name: string): ParsedField | undefined {
  const [kind, a, b] = name.split(':');
  if (kind === 'e' && a !== undefined && b !== undefined)
    return { kind: 'edge', from: decodeURIComponent(a), to: decodeURIComponent(b) };
  if (kind === 'd' && a !== undefined && b !== undefined && /^\d+$/.test(b))
    return { kind: 'dwell', state: decodeURIComponent(a), bucket: Number(b) };
  if (kind === 'n' && a !== undefined) return { kind: 'flow', what: a };
  return undefined;
}
