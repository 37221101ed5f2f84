// Prometheus metrics of the gateway: HTTP requests by route template, method and status, their durations, and
// what the command routes did (published, replayed under an Idempotency-Key, refused with 409).
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Why a command request was refused with 409. */
export type IdempotencyConflict = 'key-reused' | 'key-in-progress';

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'statewright_gateway_http_requests_total',
    help: 'HTTP requests answered, by route template (unmatched for none), method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'statewright_gateway_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route template and method',
    labelNames: ['route', 'method'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly commandsPublished = new Counter({
    name: 'statewright_gateway_commands_published_total',
    help: 'Commands the broker acknowledged on the commands topic, by command type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly idempotentReplays = new Counter({
    name: 'statewright_gateway_idempotent_replays_total',
    help: 'Command requests answered from an earlier request with the same Idempotency-Key, without publishing',
    registers: [this.registry],
  });
  readonly idempotencyConflicts = new Counter({
    name: 'statewright_gateway_idempotency_conflicts_total',
    help: 'Command requests refused with 409, by reason (key-reused, key-in-progress)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const type of ['start', 'signal', 'cancel']) this.commandsPublished.inc({ type }, 0);
    for (const reason of ['key-reused', 'key-in-progress']) this.idempotencyConflicts.inc({ reason }, 0);
  }
}
