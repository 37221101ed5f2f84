// What pino censors: secrets of the configuration, and the definitions' sensitive paths wherever a log line
// carries an instance context, a start input or an event payload (at the top level or one object down).
import type { Registry } from '../../core';

export const CENSOR = '[redacted]';

const SECRETS = [
  'password',
  '*.password',
  'sasl.password',
  'redis.password',
  'kafka.sasl.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

/** The keys under which logs carry workflow data that the definitions' sensitive paths point into. */
const DATA_KEYS = ['context', 'input', 'payload'];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const segment = (name: string): string => (IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);

/** `customer.email` → `context.customer.email`, `*.context.customer.email`, ... in fast-redact syntax. */
export function redactionPaths(sensitive: readonly string[]): string[] {
  const paths = new Set(SECRETS);
  for (const dotted of sensitive) {
    const tail = dotted.split('.').filter(Boolean).map(segment).join('');
    if (tail === '') continue;
    for (const key of DATA_KEYS) {
      paths.add(`${key}${tail}`);
      paths.add(`*.${key}${tail}`);
    }
  }
  return [...paths];
}

/** Every sensitive path of every registered definition version. */
export function sensitivePathsOf(registry: Registry): string[] {
  const paths = new Set<string>();
  for (const name of registry.names())
    for (const version of registry.versions(name))
      for (const path of registry.get(name, version)?.sensitive ?? []) paths.add(path);
  return [...paths];
}
