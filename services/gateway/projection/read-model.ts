// The gateway's Redis read model: per instance the state folded by `evolve` and its records in log order,
// plus the outcome of each command. Folding a record twice is impossible: each instance keeps the transitions
// offset it reflects and a record at or before it is skipped.
import type { Redis } from 'ioredis';
import { evolve, type Instance, type LogRecord } from '../../core';
import { outcomeOf, type CommandOutcome } from './command-outcome';
import { ReadModelError } from './read-model-error';
import type { ReadModelKeys } from './read-model-keys';

/** KEYS: instance hash, history list. ARGV: partition, offset, instance JSON, record JSON. */
const APPLY_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'offset')
if current and tonumber(current) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'partition', ARGV[1], 'offset', ARGV[2], 'instance', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[4])
return 1
`;

type ApplyCommand = (instance: string, history: string, ...args: string[]) => Promise<number>;

export interface Position {
  readonly partition: number;
  readonly offset: number;
}

export type ApplyResult =
  | { readonly kind: 'applied'; readonly instance: Instance; readonly outcome: CommandOutcome }
  | { readonly kind: 'purged' }
  | { readonly kind: 'seen' };

export class ReadModel {
  private readonly applyScript: ApplyCommand;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ReadModelKeys,
    private readonly outcomeTtlSeconds: number,
  ) {
    redis.defineCommand('statewrightProjectRecord', { numberOfKeys: 2, lua: APPLY_SCRIPT });
    const command = (redis as unknown as { statewrightProjectRecord: ApplyCommand }).statewrightProjectRecord;
    this.applyScript = command.bind(redis);
  }

  /**
   * Folds one record into its instance. The outcome is written before the instance (rewriting it is harmless if
   * the fold is retried) and announced after it, so a waiter woken by the announcement reads the new instance.
   */
  /**
   * Folds one record into its instance and history, then records the command's outcome and announces it:
   * a waiter told of an outcome finds the instance already updated. A record seen before still gets its
   * outcome written if it is missing, so a stop between the two writes heals on redelivery.
   */
  async apply(position: Position, record: LogRecord): Promise<ApplyResult> {
    const keys = this.keys.instance(record.correlationId);
    const stored = await this.redis.hmget(keys.instance, 'offset', 'instance');
    const offset = stored[0] === null || stored[0] === undefined ? null : Number(stored[0]);
    const before = stored[1] ? parseInstance(record.correlationId, stored[1]) : undefined;
    const seen =
      (offset !== null && offset >= position.offset) ||
      (record.kind === 'transition' && before !== undefined && record.seq <= before.seq);
    if (seen || (record.kind === 'purged' && before === undefined)) return this.seen(record, before);
    if (record.kind === 'purged') return this.purge(keys, record);
    const instance = evolve(before, record);
    const args = [String(position.partition), String(position.offset), JSON.stringify(instance)];
    const written = await this.applyScript(keys.instance, keys.history, ...args, JSON.stringify(record));
    if (written === 0) return this.seen(record, before);
    const outcome = this.outcomeOf(record, instance.seq);
    if (record.kind === 'transition' && record.event === 'erase')
      await this.forgetRequests(record.correlationId);
    await this.announce(outcome);
    return { kind: 'applied', instance, outcome };
  }

  /** A purged instance leaves the read model with its history; only the outcome of the purge stays. */
  private async purge(keys: { instance: string; history: string }, record: LogRecord): Promise<ApplyResult> {
    await this.redis.del(keys.instance, keys.history);
    await this.announce(this.outcomeOf(record, record.kind === 'purged' ? record.seq : 0));
    return { kind: 'purged' };
  }

  /**
   * An erased instance's idempotency records go: their fingerprints hash the plaintext requests (e-mail, card),
   * which the erasure made unreadable everywhere else. A request repeated with such a key is a new request.
   */
  private async forgetRequests(correlationId: string): Promise<void> {
    const of = this.keys.idempotencyOf(correlationId);
    const keys = await this.redis.smembers(of);
    // One key at a time: the records live in other cluster slots than the set.
    await Promise.all(keys.map((key) => this.redis.del(key)));
    await this.redis.del(of);
  }

  private async announce(outcome: CommandOutcome): Promise<void> {
    await this.redis.set(
      this.keys.outcome(outcome.correlationId, outcome.commandId),
      JSON.stringify(outcome),
      'EX',
      this.outcomeTtlSeconds,
    );
    await this.redis.publish(this.keys.outcomes, outcome.commandId);
  }

  private async seen(record: LogRecord, before: Instance | undefined): Promise<ApplyResult> {
    const seq = record.kind === 'transition' ? record.seq : (before?.seq ?? 0);
    const outcome = JSON.stringify(this.outcomeOf(record, seq));
    const key = this.keys.outcome(record.correlationId, record.commandId);
    await this.redis.set(key, outcome, 'EX', this.outcomeTtlSeconds, 'NX');
    return { kind: 'seen' };
  }

  private outcomeOf(record: LogRecord, seq: number): CommandOutcome {
    return {
      commandId: record.commandId,
      correlationId: record.correlationId,
      outcome: outcomeOf(record),
      seq,
      at: record.at,
    };
  }

  async instance(correlationId: string): Promise<Instance | undefined> {
    const json = await this.redis.hget(this.keys.instance(correlationId).instance, 'instance');
    return json === null ? undefined : parseInstance(correlationId, json);
  }

  /** The instance with the transitions offset of the last record folded into it, for the search index. */
  async folded(correlationId: string): Promise<{ offset: number; instance: Instance } | undefined> {
    const [offset, json] = await this.redis.hmget(
      this.keys.instance(correlationId).instance,
      'offset',
      'instance',
    );
    if (offset === null || offset === undefined || json === null || json === undefined) return undefined;
    return { offset: Number(offset), instance: parseInstance(correlationId, json) };
  }

  /** Records `start` to `start + count - 1` of the instance's log, oldest first. */
  async history(correlationId: string, start: number, count: number): Promise<LogRecord[]> {
    const lines = await this.redis.lrange(
      this.keys.instance(correlationId).history,
      start,
      start + count - 1,
    );
    return lines.map((line) => parseJson<LogRecord>(`history of ${correlationId}`, line));
  }

  /** The outcome of `commandId` for the instance `correlationId`: a command id alone answers for no instance. */
  async outcome(correlationId: string, commandId: string): Promise<CommandOutcome | undefined> {
    const json = await this.redis.get(this.keys.outcome(correlationId, commandId));
    return json === null ? undefined : parseJson<CommandOutcome>(`outcome of ${commandId}`, json);
  }
}

function parseInstance(correlationId: string, json: string): Instance {
  return parseJson<Instance>(`instance ${correlationId}`, json);
}

function parseJson<T>(what: string, json: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (error) {
    throw new ReadModelError(`${what} in the read model is not JSON`, { cause: error });
  }
}
