// The statewright command's exit codes: the contract with scripts that call it.

export const EXIT = {
  ok: 0,
  /** The operation ran and failed: the gateway refused the request, or a replay found a mismatch. */
  failed: 1,
  /** Bad arguments or input: unknown workflow, JSON that does not parse, an unreadable file. */
  usage: 2,
  /** Something it needs did not answer: the gateway, Kafka, the registry, or the local stack script. */
  unavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the operation failed (the gateway refused the request, replay found a MISMATCH)
  2  usage error (bad arguments, unknown workflow, bad JSON, unreadable file)
  3  unavailable (gateway, Kafka, registry or the local stack did not answer)`;
