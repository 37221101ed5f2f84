// `statewright bulk cancel|retry`: acts on every instance of a workflow a search filter matches through the
// gateway's POST /workflows/<name>/bulk/<action>, refused whole above --max. It prints the request's key: running it again with --key <that>
// is the same request and applies nothing twice.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { usageError } from '../cli-error';
import { GatewayClient } from '../gateway-client';

const DEFAULT_GATEWAY = process.env.STATEWRIGHT_GATEWAY ?? 'http://127.0.0.1:8080';

interface BulkOptions {
  readonly gateway: string;
  readonly workflow: string;
  readonly version?: number;
  readonly state?: string;
  readonly status?: string;
  readonly prefix?: string;
  readonly max?: number;
  readonly reason?: string;
  readonly key?: string;
  readonly json?: boolean;
}

interface BulkAnswer {
  readonly requestId: string;
  readonly repeated: boolean;
  readonly matched: number;
  readonly results: readonly {
    readonly correlationId: string;
    readonly status: string;
    readonly code: string | null;
  }[];
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`expected a positive integer, got "${text}"`);
  return value;
}

/** The request body of the options; the gateway validates the values and refuses bad ones with its reason. */
export function bulkRequest(action: string, options: BulkOptions): object {
  const filter = Object.fromEntries(
    (
      [
        ['version', options.version],
        ['state', options.state],
        ['status', options.status],
        ['idPrefix', options.prefix],
      ] as const
    ).filter(([, value]) => value !== undefined),
  );
  return {
    filter,
    ...(options.max === undefined ? {} : { max: options.max }),
    ...(action === 'cancel' && options.reason !== undefined ? { reason: options.reason } : {}),
  };
}

/** One line per instance that was refused, then the tally and the key. */
export function bulkSummary(action: string, answer: BulkAnswer): string {
  const tally = new Map<string, number>();
  for (const result of answer.results) tally.set(result.status, (tally.get(result.status) ?? 0) + 1);
  const refused = answer.results
    .filter((result) => result.status === 'refused')
    .map((result) => `${result.correlationId}: refused (${result.code ?? 'unknown'})`);
  const counts = ['accepted', 'resolved', 'refused'].map((status) => `${tally.get(status) ?? 0} ${status}`);
  const again = answer.repeated ? ' (a repeated request: nothing new sent)' : '';
  return [
    ...refused,
    `${action}: ${answer.matched} matched, ${counts.join(', ')}${again}; key ${answer.requestId}`,
  ].join('\n');
}

export function addBulkCommand(program: Command): void {
  program
    .command('bulk')
    .description(
      'cancel (operators) or retry (admins) every instance a search matches, at most --max of them',
    )
    .argument('<action>', 'cancel or retry')
    .option('--gateway <url>', 'gateway base URL (env STATEWRIGHT_GATEWAY)', DEFAULT_GATEWAY)
    .requiredOption('--workflow <name>', 'the workflow whose instances to act on')
    .option('--version <n>', 'only this version (with --workflow)', positiveInteger)
    .option('--state <state>', 'only instances in this state')
    .option('--status <status>', 'running, completed, failed, cancelled, compensated or timed_out')
    .option('--prefix <text>', 'only correlation ids starting with this')
    .option('--max <n>', 'refuse when more match (default 100, at most 1000)', positiveInteger)
    .option('--reason <text>', "a cancel's reason, on each audit record")
    .option(
      '--key <idempotencyKey>',
      'the request key: a repeat of an earlier request (a new UUID when absent)',
    )
    .option('--json', 'print the answer as JSON')
    .action(async (action: string, options: BulkOptions) => {
      if (action !== 'cancel' && action !== 'retry')
        throw usageError(`bulk cancel or bulk retry, not "${action}"`);
      const answer = await new GatewayClient(options.gateway).post(
        `/workflows/${encodeURIComponent(options.workflow)}/bulk/${action}`,
        bulkRequest(action, options),
        { 'idempotency-key': options.key ?? randomUUID() },
      );
      const body = answer.body as BulkAnswer;
      process.stdout.write(`${options.json ? JSON.stringify(body, null, 2) : bulkSummary(action, body)}\n`);
    });
}
