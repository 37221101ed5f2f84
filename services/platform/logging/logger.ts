// The pino logger factory: JSON lines, level from configuration, secrets and sensitive workflow data redacted.
import pino, { type Logger } from 'pino';
import { CENSOR, redactionPaths } from './redaction';

export type { Logger } from 'pino';

/**
 * `correlationId` names a workflow instance (a string) on every line. kafkajs logs its numeric protocol
 * correlation id under the same key; that one is renamed so a search by instance finds only instance lines.
 */
function stableKeys(object: Record<string, unknown>): Record<string, unknown> {
  if (typeof object.correlationId !== 'number') return object;
  const { correlationId, ...rest } = object;
  return { ...rest, kafkaCorrelationId: correlationId };
}

/** `sensitive`: dotted paths into contexts and payloads (a definition's `sensitive`), censored wherever logged. */
export function createLogger(level: string, name = 'statewright', sensitive: readonly string[] = []): Logger {
  return pino({
    name,
    level,
    redact: { paths: redactionPaths(sensitive), censor: CENSOR },
    formatters: { log: stableKeys },
  });
}
