// `statewright list`: searches instances through the gateway's GET /instances; a table by default, the answer as
// JSON with --json.
import type { Command } from 'commander';
import { usageError } from '../cli-error';
import { GatewayClient } from '../gateway-client';
import { instanceTable, type InstanceList } from './instance-table';

const DEFAULT_GATEWAY = process.env.STATEWRIGHT_GATEWAY ?? 'http://127.0.0.1:8080';

interface ListOptions {
  readonly gateway: string;
  readonly workflow?: string;
  readonly version?: number;
  readonly state?: string;
  readonly status?: string;
  readonly prefix?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly sort?: string;
  readonly order?: string;
  readonly json?: boolean;
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`expected a positive integer, got "${text}"`);
  return value;
}

/** The query string of the options; the gateway validates the values and refuses bad ones with its reason. */
export function listQuery(options: ListOptions): string {
  const query = new URLSearchParams();
  const pairs: [string, string | number | undefined][] = [
    ['workflow', options.workflow],
    ['version', options.version],
    ['state', options.state],
    ['status', options.status],
    ['idPrefix', options.prefix],
    ['sort', options.sort],
    ['order', options.order],
    ['limit', options.limit],
    ['cursor', options.cursor],
  ];
  for (const [name, value] of pairs) if (value !== undefined) query.set(name, String(value));
  return query.size === 0 ? '' : `?${query.toString()}`;
}

export function addListCommand(program: Command): void {
  program
    .command('list')
    .description('search instances: by workflow, version, state, status or id prefix, newest update first')
    .option('--gateway <url>', 'gateway base URL (env STATEWRIGHT_GATEWAY)', DEFAULT_GATEWAY)
    .option('--workflow <name>', 'only instances of this workflow')
    .option('--version <n>', 'only this version (with --workflow)', positiveInteger)
    .option('--state <state>', 'only instances in this state')
    .option('--status <status>', 'running, completed, failed, cancelled, compensated or timed_out')
    .option('--prefix <text>', 'only correlation ids starting with this')
    .option('--sort <key>', 'updated (default) or started')
    .option('--order <order>', 'desc (default) or asc')
    .option('--limit <n>', 'at most this many (default 50, at most 500)', positiveInteger)
    .option('--cursor <cursor>', 'the next page, as the previous page printed it')
    .option('--json', 'print the answer as JSON')
    .action(async (options: ListOptions) => {
      const answer = await new GatewayClient(options.gateway).get(`/instances${listQuery(options)}`);
      const text = options.json
        ? JSON.stringify(answer.body, null, 2)
        : instanceTable(answer.body as InstanceList);
      process.stdout.write(`${text}\n`);
    });
}
