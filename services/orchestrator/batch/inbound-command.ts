// A consumed command record after decoding: either the unvalidated command for the core, or why it is a dead letter.
import type { IHeaders } from 'kafkajs';
import type { DeadLetterCode } from '../../platform/codec/dead-letter-envelope';
import { headerText, TRACEPARENT } from '../../platform/tracing/trace-context';

export type Decoded =
  | { readonly ok: true; readonly command: Record<string, unknown> }
  | { readonly ok: false; readonly code: DeadLetterCode; readonly reason: string };

export interface InboundCommand {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly decoded: Decoded;
}

/** The W3C trace context a command carried, to be copied onto everything it causes. */
export function traceparentOf(headers: IHeaders): string | undefined {
  return headerText(headers, TRACEPARENT);
}
