// start, signal, cancel, get, history: requests to the gateway, answers printed as JSON.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { GatewayClient } from '../gateway-client';
import { jsonArgument } from '../json-argument';

interface GatewayOptions {
  readonly gateway: string;
}

const DEFAULT_GATEWAY = process.env.STATEWRIGHT_GATEWAY ?? 'http://127.0.0.1:8080';

const print = (body: unknown) => process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
const keyOf = (key: string | undefined) => ({ 'idempotency-key': key ?? randomUUID() });
const waitOf = (wait: string | undefined) => (wait === undefined ? '' : `?wait=${encodeURIComponent(wait)}`);
const segment = encodeURIComponent;

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
