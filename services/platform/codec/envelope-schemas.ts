// The Avro envelopes of schemas/*.avsc, which topic each belongs to, and where the files are found.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TopicNames } from '../kafka/topic-names';

export type EnvelopeKind = 'command' | 'transition' | 'task-request' | 'dead-letter' | 'audit' | 'definition';

export const ENVELOPE_KINDS: readonly EnvelopeKind[] = [
  'command',
  'transition',
  'task-request',
  'dead-letter',
  'audit',
  'definition',
];

const TOPIC_OF: Record<EnvelopeKind, keyof TopicNames> = {
  command: 'commands',
  transition: 'transitions',
  'task-request': 'tasks',
  'dead-letter': 'dlq',
  audit: 'audit',
  definition: 'definitions',
};

/** Confluent TopicNameStrategy: the value schema of topic T lives under the subject `T-value`. */
export const subjectOf = (kind: EnvelopeKind, topics: TopicNames): string =>
  `${topics[TOPIC_OF[kind]]}-value`;

/** The repository's schemas/ folder, found upwards from this module (it runs from sources and from dist/). */
export function schemasDirectory(start: string = __dirname): string {
  let current = start;
  for (let depth = 0; depth < 8; depth++) {
    const candidate = path.join(current, 'schemas');
    if (existsSync(path.join(candidate, 'command.avsc'))) return candidate;
    current = path.dirname(current);
  }
  throw new Error(`schemas/command.avsc not found above ${start}`);
}

export function readSchema(kind: EnvelopeKind, directory: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(directory, `${kind}.avsc`), 'utf8')) as Record<string, unknown>;
}
