// start, signal, cancel, get, history, and the admin acts purge, erase, migrate and audit: requests to the
// gateway, answers printed as JSON. `migrate --dry-run` reads the log instead (see migrate-dry-run).
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { usageError } from '../cli-error';
import { GatewayClient } from '../gateway-client';
import { jsonArgument } from '../json-argument';
import { WORKFLOWS_MODULE } from '../../platform/workflows/module-argument';
import { withKafka } from './log-commands';
import { runMigrationDryRun, type DryRunOptions } from './migrate-dry-run-command';

interface GatewayOptions {
  readonly gateway: string;
}

type MigrateOptions = GatewayOptions &
  DryRunOptions & { readonly key?: string; readonly wait?: string; readonly dryRun?: boolean };

const DEFAULT_GATEWAY = process.env.STATEWRIGHT_GATEWAY ?? 'http://127.0.0.1:8080';

const print = (body: unknown) => process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
const keyOf = (key: string | undefined) => ({ 'idempotency-key': key ?? randomUUID() });
const waitOf = (wait: string | undefined) => (wait === undefined ? '' : `?wait=${encodeURIComponent(wait)}`);
const segment = encodeURIComponent;

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`expected a positive integer, got "${text}"`);
  return value;
}

function instant(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(value)) throw usageError(`expected an ISO 8601 time or epoch ms, got "${text}"`);
  return value;
}

export function addInstanceCommands(program: Command): void {
  const withGateway = (command: Command) =>
    command.option('--gateway <url>', 'gateway base URL (env STATEWRIGHT_GATEWAY)', DEFAULT_GATEWAY);

  withGateway(program.command('start <workflow>'))
    .description('start an instance of a workflow')
    .requiredOption('--input <json>', 'the workflow input, as JSON')
    .option('--id <correlationId>', 'correlation id (generated when absent)')
    .option('--key <idempotencyKey>', 'Idempotency-Key (a new UUID when absent)')
    .option('--wait <ms>', 'wait up to this long for the outcome')
    .action(
      async (
        workflow: string,
        options: GatewayOptions & { input: string; id?: string; key?: string; wait?: string },
      ) => {
        const body = {
          input: jsonArgument('--input', options.input),
          ...(options.id ? { correlationId: options.id } : {}),
        };
        const path = `/workflows/${segment(workflow)}/instances${waitOf(options.wait)}`;
        print((await new GatewayClient(options.gateway).post(path, body, keyOf(options.key))).body);
      },
    );

  withGateway(program.command('signal <id> <event>'))
    .description('send an event to an instance')
    .option('--payload <json>', 'the event payload, as JSON', '{}')
    .option('--key <idempotencyKey>', 'Idempotency-Key (a new UUID when absent)')
    .option('--wait <ms>', 'wait up to this long for the outcome')
    .action(
      async (
        id: string,
        event: string,
        options: GatewayOptions & { payload: string; key?: string; wait?: string },
      ) => {
        const payload = jsonArgument('--payload', options.payload);
        const path = `/instances/${segment(id)}/signals/${segment(event)}${waitOf(options.wait)}`;
        print((await new GatewayClient(options.gateway).post(path, payload, keyOf(options.key))).body);
      },
    );

  withGateway(program.command('cancel <id>'))
    .description('cancel an instance')
    .option('--reason <text>', 'why')
    .option('--key <idempotencyKey>', 'Idempotency-Key (a new UUID when absent)')
    .option('--wait <ms>', 'wait up to this long for the outcome')
    .action(
      async (id: string, options: GatewayOptions & { reason?: string; key?: string; wait?: string }) => {
        const body = options.reason === undefined ? {} : { reason: options.reason };
        const path = `/instances/${segment(id)}/cancel${waitOf(options.wait)}`;
        print((await new GatewayClient(options.gateway).post(path, body, keyOf(options.key))).body);
      },
    );

  for (const [action, description] of [
    ['retry', 'start the next attempt of a task waiting out its retry backoff now (admin, audited)'],
    ['purge', 'remove a finished instance from the hot set; its log stays (admin, audited)'],
    ['erase', "erase an instance's sensitive fields by deleting its data key (admin, audited)"],
  ] as const) {
    withGateway(program.command(`${action} <id>`))
      .description(description)
      .option('--key <idempotencyKey>', 'Idempotency-Key (a new UUID when absent)')
      .option('--wait <ms>', 'wait up to this long for the outcome')
      .action(async (id: string, options: GatewayOptions & { key?: string; wait?: string }) => {
        const path = `/instances/${segment(id)}/${action}${waitOf(options.wait)}`;
        print((await new GatewayClient(options.gateway).post(path, undefined, keyOf(options.key))).body);
      });
  }

  withKafka(withGateway(program.command('migrate <id>')))
    .description(
      "move an instance to another version through that version's migration (admin, audited); with --dry-run, " +
        '<id> names a workflow and the migration is tried on its running instances in memory (as migrate-dry-run)',
    )
    .requiredOption('--to <version>', 'the target version', positiveInteger)
    .option('--key <idempotencyKey>', 'Idempotency-Key (a new UUID when absent)')
    .option('--wait <ms>', 'wait up to this long for the outcome')
    .option('--dry-run', 'try the migration on every running instance of the workflow <id>, changing none')
    .option('--from <version>', 'with --dry-run: only instances of this version', positiveInteger)
    .option(
      '--workflows <module>',
      `with --dry-run: the module exporting the workflows (env ${WORKFLOWS_MODULE.env})`,
    )
    .option('--file <file>', 'with --dry-run: fold a transitions file written by `statewright record`')
    .option('--json', 'with --dry-run: print the report as JSON')
    .action(async (id: string, options: MigrateOptions) => {
      if (options.dryRun === true) return runMigrationDryRun(id, options);
      const path = `/instances/${segment(id)}/migrate${waitOf(options.wait)}`;
      const body = { targetVersion: options.to };
      print((await new GatewayClient(options.gateway).post(path, body, keyOf(options.key))).body);
    });

  withGateway(program.command('settings <workflow>'))
    .description(
      "change a workflow's run-time settings: the version new instances start on, and their dedupe window (admin, audited)",
    )
    .option('--latest', 'new instances start on the latest version')
    .option('--pin <version>', 'new instances start on this version (activates it)', positiveInteger)
    .option('--activate <version>', 'the same as --pin', positiveInteger)
    .option('--canary <version>', 'a share of new instances start on this version', positiveInteger)
    .option('--stable <version>', 'with --canary: the version the others start on', positiveInteger)
    .option('--percent <p>', 'with --canary: the share, 0 to 100', Number)
    .option('--reset-rollout', 'back to the rollout rule the orchestrator was deployed with')
    .option('--dedupe-count <n>', 'new instances remember this many command ids', positiveInteger)
    .option('--dedupe-age <ms>', 'for this long (with --dedupe-count)', Number)
    .option('--reset-dedupe', "back to the definitions' dedupe window")
    .option('--key <idempotencyKey>', 'Idempotency-Key (a new UUID when absent)')
    .action(async (workflow: string, options: GatewayOptions & SettingsOptions) => {
      const path = `/workflows/${segment(workflow)}/settings`;
      const body = settingsBody(options);
      print((await new GatewayClient(options.gateway).post(path, body, keyOf(options.key))).body);
    });

  withGateway(program.command('audit'))
    .description('audit records of operator acts, oldest first (admin)')
    .option('--instance <id>', 'only acts on this instance')
    .option('--actor <actor>', 'only acts by this actor')
    .option('--since <time>', 'only acts at or after this time (ISO 8601 or epoch ms)', instant)
    .option('--until <time>', 'only acts before this time (ISO 8601 or epoch ms)', instant)
    .option('--limit <n>', 'at most this many records', positiveInteger)
    .action(async (options: GatewayOptions & Record<string, string | number | undefined>) => {
      const query = new URLSearchParams();
      for (const name of ['instance', 'actor', 'since', 'until', 'limit']) {
        const value = options[name];
        if (value !== undefined) query.set(name, String(value));
      }
      const suffix = query.size === 0 ? '' : `?${query.toString()}`;
      print((await new GatewayClient(options.gateway).get(`/audit${suffix}`)).body);
    });

  withGateway(program.command('get <id>'))
    .description("an instance's state, status, context (redacted), timers and open tasks")
    .action(async (id: string, options: GatewayOptions) => {
      print((await new GatewayClient(options.gateway).get(`/instances/${segment(id)}`)).body);
    });

  withGateway(program.command('history <id>'))
    .description("an instance's log records, in order")
    .action(async (id: string, options: GatewayOptions) => {
      print((await new GatewayClient(options.gateway).get(`/instances/${segment(id)}/history`)).body);
    });
}

interface SettingsOptions {
  readonly latest?: boolean;
  readonly pin?: number;
  readonly activate?: number;
  readonly canary?: number;
  readonly stable?: number;
  readonly percent?: number;
  readonly resetRollout?: boolean;
  readonly dedupeCount?: number;
  readonly dedupeAge?: number;
  readonly resetDedupe?: boolean;
  readonly key?: string;
}

/** The settings request of the options: one rollout choice at most, and a window given whole. */
function settingsBody(options: SettingsOptions): Record<string, unknown> {
  if (options.pin !== undefined && options.activate !== undefined)
    throw usageError('give --pin or --activate');
  const pin = options.pin ?? options.activate;
  const rollouts = [
    options.latest ? { kind: 'latest' } : undefined,
    pin === undefined ? undefined : { kind: 'pinned', version: pin },
    options.canary === undefined
      ? undefined
      : { kind: 'canary', canary: options.canary, stable: options.stable, percent: options.percent },
    options.resetRollout ? null : undefined,
  ].filter((rule) => rule !== undefined);
  if (rollouts.length > 1) throw usageError('give one of --latest, --pin, --canary and --reset-rollout');
  const canary = rollouts[0] as { kind?: string; stable?: number; percent?: number } | null | undefined;
  if (canary?.kind === 'canary' && (canary.stable === undefined || canary.percent === undefined)) {
    throw usageError('--canary needs --stable and --percent');
  }
  const windows = [
    options.dedupeCount === undefined
      ? undefined
      : { count: options.dedupeCount, ageMs: options.dedupeAge ?? Number.NaN },
    options.resetDedupe ? null : undefined,
  ].filter((window) => window !== undefined);
  if (windows.length > 1) throw usageError('give --dedupe-count or --reset-dedupe, not both');
  if (windows[0] !== undefined && windows[0] !== null && Number.isNaN(windows[0].ageMs)) {
    throw usageError('--dedupe-count needs --dedupe-age');
  }
  if (rollouts.length === 0 && windows.length === 0) throw usageError('nothing to change');
  return {
    ...(rollouts.length === 0 ? {} : { rollout: rollouts[0] }),
    ...(windows.length === 0 ? {} : { dedupe: windows[0] }),
  };
}
