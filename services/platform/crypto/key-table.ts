// An in-memory table of `<prefix>.keys`, the durable home of wrapped data keys (see TopicTable). Tombstones stay
// in the table as `erased`, so an erasure is never forgotten.
import type { Logger } from '../logging/logger';
import type { LogClient } from '../kafka/log-client';
import { TopicTable, TopicTableError } from '../kafka/topic-table';
import { KeyTableError } from './crypto-error';
import { decodeKeysMessage, type KeysEntry } from './keys-topic';

/** What DataKeys needs of the table; KeyTable is the real one. */
export interface KeyLookup {
  lookup(correlationId: string): KeysEntry | undefined;
}

export interface KeyTableOptions {
  readonly log: LogClient;
  readonly topic: string;
  readonly logger: Logger;
  /** The throwaway group's id is this plus a random suffix. */
  readonly groupIdPrefix?: string;
  /** How long a fetch waits for new records; also bounds how long `stop` takes. */
  readonly maxWaitTimeInMs?: number;
}

export type KeyTable = TopicTable<KeysEntry>;

export const KeyTable = {
  /** Starts reading; throws KeyTableError when the topic's offsets cannot be read or the consumer cannot join. */
  async start(options: KeyTableOptions): Promise<KeyTable> {
    try {
      return await TopicTable.start<KeysEntry>({
        ...options,
        what: 'keys',
        decode: (message) => {
          const { correlationId, entry } = decodeKeysMessage(message);
          return { key: correlationId, value: entry };
        },
      });
    } catch (error) {
      if (!(error instanceof TopicTableError)) throw error;
      throw new KeyTableError(error.topic, error.message, { cause: error.cause });
    }
  },
};
