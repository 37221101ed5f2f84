// The pino logger factory: JSON lines, level from configuration, secrets redacted by path.
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACTED = ['password', '*.password', 'sasl.password', 'redis.password', 'kafka.sasl.password'];

export function createLogger(level: string, name = 'statewright'): Logger {
  return pino({ name, level, redact: { paths: REDACTED, censor: '[redacted]' } });
}
