// The topics of one statewright deployment, all derived from its prefix.

export interface TopicNames {
  readonly commands: string;
  readonly transitions: string;
  readonly tasks: string;
  readonly dlq: string;
  /** Operator acts (admin commands and cancels) with actor and before → after. */
  readonly audit: string;
  /** Wrapped per-instance data keys, compacted; a tombstone erases an instance's sensitive fields. */
  readonly keys: string;
  /** Run-time workflow settings (rollout rule, dedupe window), compacted, keyed by workflow. */
  readonly settings: string;
  /** The definitions catalogue: every workflow version the orchestrators serve, compacted, keyed name@version. */
  readonly definitions: string;
  /** Worker heartbeats per task type and worker (alive, capacity, in flight), compacted; a tombstone: gone. */
  readonly health: string;
}

export const topicNames = (prefix: string): TopicNames => ({
  commands: `${prefix}.commands`,
  transitions: `${prefix}.transitions`,
  tasks: `${prefix}.tasks`,
  dlq: `${prefix}.dlq`,
  audit: `${prefix}.audit`,
  keys: `${prefix}.keys`,
  settings: `${prefix}.settings`,
  definitions: `${prefix}.definitions`,
  health: `${prefix}.health`,
});
