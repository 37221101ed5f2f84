// statewright circuit <taskType>: an operator holds a task type's circuit open or closed, hands it back to its
// rule, or changes the rule, through the gateway's admin endpoint (audited in every partition).
import type { Command } from 'commander';
import { circuitRuleSchema, DEFAULT_CIRCUIT_RULE, type CircuitRule } from '../../core';
import { usageError } from '../cli-error';
import { GatewayClient } from '../gateway-client';
import { jsonArgument } from '../json-argument';

const DEFAULT_GATEWAY = process.env.STATEWRIGHT_GATEWAY ?? 'http://127.0.0.1:8080';

interface CircuitOptions {
  readonly gateway: string;
  readonly open?: boolean;
  readonly close?: boolean;
  readonly release?: boolean;
  readonly rule?: string;
  readonly defaultRule?: boolean;
  readonly remove?: boolean;
  readonly maxInFlight?: number;
  readonly perSecond?: number;
  readonly rate?: boolean;
  readonly limit?: boolean;
}

export function addCircuitCommand(program: Command): void {
  program
    .command('circuit <taskType>')
    .description(
      "hold a task type's circuit open or closed, release it to its rule, or set its rule (admin, audited)",
    )
    .option('--gateway <url>', 'gateway base URL (env STATEWRIGHT_GATEWAY)', DEFAULT_GATEWAY)
    .option('--open', 'hold the circuit open: runs of this type are deferred')
    .option('--close', 'hold the circuit closed: runs go whatever the failures')
    .option('--release', 'hand the circuit back to its rule (closed)')
    .option(
      '--rule <json>',
      'the failure rule, as JSON: window, failureRate, minCalls, consecutiveFailures, openMs, probes, resumePerSecond',
    )
    .option('--default-rule', `the default rule: ${JSON.stringify(DEFAULT_CIRCUIT_RULE)}`)
    .option('--remove', 'remove the circuit: runs of this type are never deferred by it')
    .option('--max-in-flight <n>', 'at most this many runs of the type in flight across the fleet', positive)
    .option('--no-limit', 'no in-flight limit for the type')
    .option(
      '--per-second <n>',
      'at most this many runs of the type dispatched per second across the fleet',
      Number,
    )
    .option('--no-rate', 'no rate limit for the type')
    .action(async (taskType: string, options: CircuitOptions) => {
      const body = {
        hold: holdOf(options),
        rule: ruleOf(options),
        maxInFlight: limitOf(options),
        perSecond: options.rate === false ? null : options.perSecond,
      };
      if (Object.values(body).every((value) => value === undefined)) {
        throw usageError(
          'say what to change: --open, --close, --release, --rule, --default-rule, --remove, --max-in-flight, --no-limit, --per-second or --no-rate',
        );
      }
      const path = `/admin/circuits/${encodeURIComponent(taskType)}`;
      const answer = await new GatewayClient(options.gateway).post(path, body, {});
      process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
    });
}

function holdOf(options: CircuitOptions): 'open' | 'closed' | null | undefined {
  const given = [options.open, options.close, options.release].filter(Boolean).length;
  if (given > 1) throw usageError('--open, --close and --release exclude each other');
  return options.open ? 'open' : options.close ? 'closed' : options.release ? null : undefined;
}

function ruleOf(options: CircuitOptions): CircuitRule | null | undefined {
  const given = [options.rule !== undefined, options.defaultRule, options.remove].filter(Boolean).length;
  if (given > 1) throw usageError('--rule, --default-rule and --remove exclude each other');
  if (options.remove) return null;
  if (options.defaultRule) return DEFAULT_CIRCUIT_RULE;
  if (options.rule === undefined) return undefined;
  const parsed = circuitRuleSchema.safeParse({
    ...DEFAULT_CIRCUIT_RULE,
    ...(jsonArgument('--rule', options.rule) as object),
  });
  if (!parsed.success) throw usageError(`--rule: ${parsed.error.issues[0]?.message ?? 'invalid rule'}`);
  return parsed.data;
}

function limitOf(options: CircuitOptions): number | null | undefined {
  if (options.maxInFlight !== undefined && options.limit === false) {
    throw usageError('--max-in-flight and --no-limit exclude each other');
  }
  return options.limit === false ? null : options.maxInFlight;
}

function positive(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`expected a positive integer, got "${text}"`);
  return value;
}
