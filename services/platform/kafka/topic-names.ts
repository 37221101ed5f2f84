// The topics of one statewright deployment, all derived from its prefix.

export interface TopicNames {
  readonly commands: string;
  readonly transitions: string;
  readonly tasks: string;
  readonly dlq: string;
}

export const topicNames = (prefix: string): TopicNames => ({
  commands: `${prefix}.commands`,
  transitions: `${prefix}.transitions`,
  tasks: `${prefix}.tasks`,
  dlq: `${prefix}.dlq`,
});
