// The gateway's routes as data: path, parameters, headers, body and responses as zod schemas. Requests are
// validated against it and /openapi.json is generated from it, so the two cannot drift. Each route declares the
// permission it needs (or `public`), and where a workflow-scoped caller's workflow is checked.
import { z } from 'zod';
import { circuitRuleSchema, MAX_COMMAND_ID_LENGTH, MAX_CORRELATION_ID_LENGTH, PRINTABLE } from '../../core';
import type { RoutePermission } from '../auth/permission';
import type { WorkflowScope } from '../auth/route-access';
import {
  countsAnswer,
  countsParams,
  countsQuerySchema,
  searchAnswer,
  searchQuerySchema,
  versionsAnswer,
} from '../search/search-routes';
import { bulkAnswer, bulkBody } from '../bulk/bulk-routes';
import { figuresAnswer, figuresParams, figuresQuery } from '../figures/figures-routes';

export const MAX_WAIT_MS = 30_000;

const name = z
  .string()
  .min(1)
  .max(MAX_COMMAND_ID_LENGTH)
  .regex(PRINTABLE, 'must hold printable characters only');
const newCorrelationId = name.max(
  MAX_CORRELATION_ID_LENGTH,
  `a correlation id has at most ${MAX_CORRELATION_ID_LENGTH} characters`,
);
const required = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? `${what} is required` : undefined),
});
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
});

const commandHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1 to 255 visible ASCII characters'),
  'x-actor': z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('The actor recorded on the command; only honoured when authentication is disabled'),
  traceparent: z.string().max(512).optional(),
});
const waitQuery = z.object({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_MS)
    .optional()
    .describe(
      `Milliseconds to wait for the command's outcome (at most ${MAX_WAIT_MS}); 202 when it is not known by then`,
    ),
});

const accepted = z.object({
  status: z.literal('accepted'),
  commandId: z.string(),
  correlationId: z.string(),
  workflow: z.string(),
});
const resolved = accepted.extend({
  status: z.literal('resolved'),
  outcome: z.object({ kind: z.enum(['applied', 'rejected', 'deferred', 'stashed', 'ignored']) }).loose(),
  instance: z.object({}).loose().nullable(),
});
const instanceView = z
  .object({
    correlationId: z.string(),
    workflow: z.string(),
    version: z.number().int(),
    state: z.string(),
    status: z.string(),
    seq: z.number().int(),
    context: z.unknown(),
    timers: z.array(z.object({}).loose()),
    openTasks: z.array(z.unknown()),
    stashed: z.number().int(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .loose();

const commandResponses = {
  200: { description: 'The outcome became known within `wait`', schema: resolved },
  202: { description: 'Published to the commands topic; outcome not known yet', schema: accepted },
  400: { description: 'Invalid request', schema: errorBody },
  404: { description: 'Unknown workflow, version or instance', schema: errorBody },
  409: {
    description:
      "Idempotency-Key reused with a different request, or still in progress; or the instance's data key was erased (`erased`)",
    schema: errorBody,
  },
  413: { description: 'Body too large', schema: errorBody },
  503: {
    description:
      "Kafka, Redis or the instance's data key (`key-unavailable`) unavailable; retry with the same Idempotency-Key",
    schema: errorBody,
  },
};

export interface Response {
  readonly description: string;
  readonly schema?: z.ZodType;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** OpenAPI form: `/instances/{id}`. */
  readonly path: string;
  readonly summary: string;
  /** What the caller needs; a route without one stops the gateway from starting. */
  readonly permission: RoutePermission;
  readonly scope?: WorkflowScope;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly responses: Readonly<Record<number, Response>>;
}

const spec = <const S extends RouteSpec>(route: S): S => route;

/** An admin's act on one instance: POST /instances/{id}/<action>, an idempotent command like cancel. */
const adminAct = <const A extends string>(action: A, summary: string) =>
  spec({
    method: 'POST',
    path: `/instances/{id}/${action}`,
    summary,
    permission: 'admin:*',
    scope: { instanceParam: 'id' },
    params: z.object({ id: name }),
    query: waitQuery,
    headers: commandHeaders,
    responses: commandResponses,
  });

/** A bulk act over a search result within one workflow: one command per instance, ids from the key. */
const bulkSpec = <const A extends string>(
  action: A,
  permission: 'instances:cancel' | 'admin:*',
  summary: string,
) =>
  spec({
    method: 'POST',
    path: `/workflows/{name}/bulk/${action}`,
    summary,
    permission,
    scope: { workflowParam: 'name' },
    params: z.object({ name }),
    headers: commandHeaders,
    body: bulkBody,
    responses: {
      200: { description: "Each matched instance and its command's fate", schema: bulkAnswer },
      400: commandResponses[400],
      404: { description: 'Unknown workflow', schema: errorBody },
      409: { description: 'Idempotency-Key reused with a different request', schema: errorBody },
      422: {
        description: 'The filter matches more than `max` instances (`bulk-too-large`)',
        schema: errorBody,
      },
      503: commandResponses[503],
    },
  });

export const ROUTES = {
  start: spec({
    method: 'POST',
    path: '/workflows/{name}/instances',
    summary: 'Start an instance of a workflow',
    permission: 'instances:start',
    scope: { workflowParam: 'name' },
    params: z.object({ name }),
    query: waitQuery,
    headers: commandHeaders,
    body: z
      .object({
        correlationId: newCorrelationId
          .optional()
          .describe(`Generated when absent; at most ${MAX_CORRELATION_ID_LENGTH} printable characters`),
        input: z.json(required('input')).describe("The workflow's input"),
        version: z.number().int().positive().optional(),
      })
      .strict(),
    responses: commandResponses,
  }),
  signal: spec({
    method: 'POST',
    path: '/instances/{id}/signals/{event}',
    summary: 'Send an event to an instance; the body is its payload',
    permission: 'instances:signal',
    scope: { instanceParam: 'id' },
    params: z.object({ id: name, event: name }),
    query: waitQuery,
    headers: commandHeaders,
    body: z.json().optional(),
    responses: commandResponses,
  }),
  cancel: spec({
    method: 'POST',
    path: '/instances/{id}/cancel',
    summary: 'Cancel an instance (runs its compensations)',
    permission: 'instances:cancel',
    scope: { instanceParam: 'id' },
    params: z.object({ id: name }),
    query: waitQuery,
    headers: commandHeaders,
    body: z
      .object({ reason: z.string().max(2048).optional() })
      .strict()
      .optional(),
    responses: commandResponses,
  }),
  purge: adminAct('purge', 'Remove a finished instance from the hot set; its log stays (audited)'),
  erase: adminAct('erase', "Erase an instance's sensitive fields by deleting its data key (audited)"),
  retry: adminAct('retry', 'Start the next attempt of a task waiting out its retry backoff now (audited)'),
  migrate: spec({
    ...adminAct('migrate', "Move an instance to another version through that version's migration (audited)"),
    body: z
      .object({ targetVersion: z.number({ error: 'targetVersion is required' }).int().positive() })
      .strict(),
    responses: commandResponses,
  }),
  settings: spec({
    method: 'POST',
    path: '/workflows/{name}/settings',
    summary:
      'Change the run-time settings of a workflow: the rollout rule (activate a version, canary share) and the dedupe window of new instances (audited)',
    permission: 'admin:*',
    scope: { workflowParam: 'name' },
    params: z.object({ name }),
    headers: commandHeaders,
    body: z
      .object({
        rollout: z
          .discriminatedUnion('kind', [
            z.object({ kind: z.literal('latest') }).strict(),
            z.object({ kind: z.literal('pinned'), version: z.number().int().positive() }).strict(),
            z
              .object({
                kind: z.literal('canary'),
                stable: z.number().int().positive(),
                canary: z.number().int().positive(),
                percent: z.number().min(0).max(100),
              })
              .strict(),
          ])
          .nullable()
          .optional()
          .describe('Absent: unchanged; null: back to the deployed rule'),
        dedupe: z
          .object({ count: z.number().int().min(1).max(100_000), ageMs: z.number().int().min(0) })
          .strict()
          .nullable()
          .optional()
          .describe("Absent: unchanged; null: back to the definitions' window"),
      })
      .strict(),
    responses: {
      202: {
        description: 'Published; the orchestrator applies it and records it on the audit topic',
        schema: accepted,
      },
      400: commandResponses[400],
      404: commandResponses[404],
      409: commandResponses[409],
      503: commandResponses[503],
    },
  }),
  circuit: spec({
    method: 'POST',
    path: '/admin/circuits/{taskType}',
    summary:
      "Hold a task type's circuit open or closed, hand it back to its rule, change the rule or the type's in-flight limit; written to every partition (audited)",
    permission: 'admin:*',
    params: z.object({ taskType: name }),
    body: z
      .object({
        hold: z
          .enum(['open', 'closed'])
          .nullable()
          .optional()
          .describe('Absent: unchanged; null: back to the rule'),
        rule: circuitRuleSchema.nullable().optional().describe('Absent: unchanged; null: no circuit'),
        maxInFlight: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .nullable()
          .optional()
          .describe('Most runs of the type in flight across the fleet; absent: unchanged; null: no limit'),
        perSecond: z
          .number()
          .positive()
          .max(1_000_000)
          .nullable()
          .optional()
          .describe(
            'Most runs of the type dispatched per second across the fleet; absent: unchanged; null: no limit',
          ),
      })
      .strict(),
    responses: {
      202: {
        description: 'Written to every commands partition; each applies it and records it on the audit topic',
        schema: z.object({ status: z.literal('accepted'), commandId: z.string(), taskType: z.string() }),
      },
      400: { description: 'Invalid request', schema: errorBody },
      503: { description: 'The commands topic could not be written', schema: errorBody },
    },
  }),
  audit: spec({
    method: 'GET',
    path: '/audit',
    summary: 'Audit records of operator acts, oldest first, filtered by instance, actor or time',
    permission: 'admin:*',
    query: z.object({
      instance: name.optional().describe('The correlation id acted on'),
      actor: z.string().min(1).max(256).optional(),
      since: z.coerce.number().int().min(0).optional().describe('Epoch ms, inclusive'),
      until: z.coerce.number().int().min(0).optional().describe('Epoch ms, exclusive'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    responses: {
      200: {
        description: 'Matching records and whether more matched than `limit`',
        schema: z.object({ records: z.array(z.object({}).loose()), truncated: z.boolean() }),
      },
      503: { description: 'The audit trail has not been read to its end yet', schema: errorBody },
    },
  }),
  search: spec({
    method: 'GET',
    path: '/instances',
    summary:
      "Instances matching a filter, sorted by update or start time, a page at a time, with the filter's count; a caller scoped to some workflows sees only theirs",
    permission: 'instances:read',
    scope: { narrowedByHandler: true },
    query: searchQuerySchema,
    responses: {
      200: { description: 'A page of instance summaries (no context or payloads)', schema: searchAnswer },
      400: { description: 'Invalid filter, limit or cursor', schema: errorBody },
    },
  }),
  counts: spec({
    method: 'GET',
    path: '/workflows/{name}/counts',
    summary: "A workflow's instances per state and per status, of one version or all",
    permission: 'instances:read',
    scope: { workflowParam: 'name' },
    params: countsParams,
    query: countsQuerySchema,
    responses: {
      200: {
        description: 'Counts; states and statuses without instances are left out',
        schema: countsAnswer,
      },
    },
  }),
  versions: spec({
    method: 'GET',
    path: '/workflows/{name}/versions',
    summary:
      "A workflow's versions: live instances per state, the oldest live one, the share of new instances each gets, and whether it can be retired",
    permission: 'instances:read',
    scope: { workflowParam: 'name' },
    params: countsParams,
    responses: {
      200: { description: 'Every version in the catalogue, ascending', schema: versionsAnswer },
      404: { description: 'Unknown workflow', schema: errorBody },
    },
  }),
  bulkCancel: bulkSpec(
    'cancel',
    'instances:cancel',
    'Cancel every instance of the workflow a search filter matches, at most `max` of them; each cancel is audited',
  ),
  bulkRetry: bulkSpec(
    'retry',
    'admin:*',
    "Start now the next attempt of each of the workflow's instances a search filter matches that waits out a retry backoff, at most `max` of them (audited)",
  ),
  figures: spec({
    method: 'GET',
    path: '/workflows/{name}/versions/{version}/figures',
    summary:
      "A version's live graph figures: per state its instances, stuck ones and their ages, dwells over a window; per edge its transitions over the window; starts and ends",
    permission: 'instances:read',
    scope: { workflowParam: 'name' },
    params: figuresParams,
    query: figuresQuery,
    responses: {
      200: { description: 'The figures, read from the index and per-minute buckets', schema: figuresAnswer },
      404: { description: 'Unknown workflow or version', schema: errorBody },
    },
  }),
  instance: spec({
    method: 'GET',
    path: '/instances/{id}',
    summary: 'The projected state of an instance, sensitive fields redacted',
    permission: 'instances:read',
    scope: { instanceParam: 'id' },
    params: z.object({ id: name }),
    responses: {
      200: { description: 'The instance', schema: instanceView },
      404: { description: 'Not in the read model', schema: errorBody },
    },
  }),
  history: spec({
    method: 'GET',
    path: '/instances/{id}/history',
    summary: "The instance's log records in order, sensitive fields redacted",
    permission: 'instances:read',
    scope: { instanceParam: 'id' },
    params: z.object({ id: name }),
    query: z.object({
      from: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(1000).default(1000),
    }),
    responses: {
      200: {
        description: 'Records `from` .. `from + limit - 1`',
        schema: z.object({
          correlationId: z.string(),
          from: z.number().int(),
          records: z.array(z.unknown()),
        }),
      },
      404: { description: 'Not in the read model', schema: errorBody },
    },
  }),
  whoami: spec({
    method: 'GET',
    path: '/whoami',
    summary: "The caller as the gateway sees it: name, roles and the workflows they apply to (the UI's menu)",
    permission: 'instances:read',
    // It answers about the caller alone, so a caller scoped to some workflows is admitted too.
    scope: { narrowedByHandler: true },
    responses: {
      200: {
        description: 'The principal',
        schema: z.object({
          name: z.string(),
          kind: z.string(),
          roles: z.array(z.string()),
          workflows: z.array(z.string()).nullable(),
        }),
      },
    },
  }),
  workflows: spec({
    method: 'GET',
    path: '/workflows',
    summary:
      "The catalogue's workflows and their versions; a caller scoped to some workflows sees only theirs",
    permission: 'instances:read',
    scope: { narrowedByHandler: true },
    responses: {
      200: {
        description: 'Workflows by name, versions ascending',
        schema: z.object({
          workflows: z.array(z.object({ name: z.string(), versions: z.array(z.number().int()) })),
        }),
      },
    },
  }),
  definition: spec({
    method: 'GET',
    path: '/workflows/{name}/versions/{version}/definition',
    summary:
      "A version's description from the catalogue (states, events and their JSON Schemas) and its edges",
    permission: 'instances:read',
    scope: { workflowParam: 'name' },
    params: z.object({ name, version: z.coerce.number().int().positive() }),
    responses: {
      200: {
        description: 'The described definition and its state graph',
        schema: z.object({ definition: z.object({}).loose(), edges: z.array(z.object({}).loose()) }),
      },
      404: { description: 'Unknown workflow or version', schema: errorBody },
    },
  }),
  steps: spec({
    method: 'GET',
    path: '/instances/{id}/steps',
    summary:
      "The instance after each record of its history, folded with the core's evolve (no team code), sensitive fields redacted",
    permission: 'instances:read',
    scope: { instanceParam: 'id' },
    params: z.object({ id: name }),
    responses: {
      200: {
        description: 'One step per record: the record and the instance after it',
        schema: z.object({ correlationId: z.string(), steps: z.array(z.object({}).loose()) }),
      },
      404: { description: 'Not in the read model', schema: errorBody },
    },
  }),
  healthz: spec({
    method: 'GET',
    path: '/healthz',
    summary: 'The process is up',
    permission: 'public',
    responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
  }),
  readyz: spec({
    method: 'GET',
    path: '/readyz',
    summary: 'Kafka producer connected, Redis answering, projection running',
    permission: 'public',
    responses: {
      200: { description: 'Ready', schema: z.object({ ready: z.boolean(), checks: z.object({}).loose() }) },
      503: {
        description: 'Not ready',
        schema: z.object({ ready: z.boolean(), checks: z.object({}).loose() }),
      },
    },
  }),
  metrics: spec({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics of this gateway process, in the text exposition format',
    // They show versions, resource use and traffic: a viewer's, not the public's.
    permission: 'instances:read',
    responses: { 200: { description: 'Prometheus text format 0.0.4' } },
  }),
  openapi: spec({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document',
    permission: 'public',
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.object({}).loose() } },
  }),
} as const;

export type RouteId = keyof typeof ROUTES;
export type Routes = typeof ROUTES;
