// The admin port: the cluster operations statewright performs (offsets, groups, topics), in the shape of
// Kafka's admin API. kafkajs' Admin satisfies it as it is.

/** The offsets of one partition: `low` is its first record, `high` the offset the next record will take. */
export interface PartitionOffsets {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
}

/** A topic to create: partitions, replication (-1 takes the broker's default) and its configuration. */
export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configEntries: ConfigEntry[];
}

/** A resource whose configuration is read or set; statewright only configures topics. */
export interface ConfigResource {
  readonly type: number;
  readonly name: string;
}

export interface LogAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  createTopics(request: { topics: TopicSpec[]; waitForLeaders: boolean }): Promise<boolean>;
  fetchTopicMetadata(request: {
    topics: string[];
  }): Promise<{ topics: { name: string; partitions: unknown[] }[] }>;
  fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Per partition, the first offset whose record is as new as `timestamp` or newer (`-1` or the end if none). */
  fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp?: number,
  ): Promise<{ partition: number; offset: string }[]>;
  /** The group's committed offsets per topic; `-1` where it committed none. */
  fetchOffsets(request: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  deleteGroups(groupIds: string[]): Promise<unknown>;
  describeConfigs(request: { includeSynonyms: boolean; resources: ConfigResource[] }): Promise<{
    resources: { resourceName: string; configEntries: { configName: string; configValue: string }[] }[];
  }>;
  alterConfigs(request: {
    validateOnly: boolean;
    resources: (ConfigResource & { configEntries: ConfigEntry[] })[];
  }): Promise<unknown>;
}
