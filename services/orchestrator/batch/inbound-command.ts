// A consumed command record after decoding: the typed command the core decides (parsed once, here at the edge),
// or why it is a dead letter.
import type { Command } from '../../core';
import type { DeadLetterCode } from '../../platform/codec/dead-letter-envelope';
import type { RecordHeaders } from '../../platform/kafka/records';
import { headerText, TRACEPARENT } from '../../platform/tracing/trace-context';

export type Decoded =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly code: DeadLetterCode; readonly reason: string };

export interface InboundCommand {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  readonly decoded: Decoded;
}

/** The W3C trace context a command carried, to be copied onto everything it causes. */
export function traceparentOf(headers: RecordHeaders): string | undefined {
  return headerText(headers, TRACEPARENT);
}
