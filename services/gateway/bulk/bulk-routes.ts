// The bulk routes' schemas, spread into the gateway's route table: POST /workflows/{name}/bulk/cancel and
// .../bulk/retry act on every instance of the workflow a search filter matches, up to `max` of them.
import { z } from 'zod';
import { searchQuerySchema } from '../search/search-routes';

/** The most instances one bulk request may act on. */
export const MAX_BULK = 1000;
export const DEFAULT_BULK_MAX = 100;

export const bulkFilter = searchQuerySchema
  .pick({
    version: true,
    state: true,
    status: true,
    idPrefix: true,
    startedFrom: true,
    startedTo: true,
    updatedFrom: true,
    updatedTo: true,
  })
  .strict();

export const bulkBody = z
  .object({
    filter: bulkFilter.describe("The search's filter within the workflow, as GET /instances takes it"),
    max: z
      .number()
      .int()
      .min(1)
      .max(MAX_BULK)
      .default(DEFAULT_BULK_MAX)
      .describe(`Refuse the request when the filter matches more instances than this (at most ${MAX_BULK})`),
    reason: z
      .string()
      .max(2048)
      .optional()
      .describe("A cancel's reason, recorded on each instance's audit record"),
  })
  .strict();

export const bulkAnswer = z.object({
  requestId: z.string().describe('The Idempotency-Key: each command id derives from it and the instance'),
  repeated: z.boolean().describe('The key was used before: its instances, not a new search, were acted on'),
  matched: z.number().int(),
  results: z.array(
    z.object({
      correlationId: z.string(),
      status: z.enum(['accepted', 'resolved', 'refused']),
      commandId: z.string().nullable(),
      code: z.string().nullable().describe('Why it was refused'),
    }),
  ),
});
