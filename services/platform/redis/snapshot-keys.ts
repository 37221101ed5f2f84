// Redis keys of one partition's snapshot; the hash tag keeps both keys in one Redis Cluster slot.

export interface SnapshotKeys {
  readonly instances: string;
  readonly meta: string;
}

export const snapshotKeys = (redisPrefix: string, topicPrefix: string, partition: number): SnapshotKeys => {
  const tag = `{${topicPrefix}:p${partition}}`;
  return { instances: `${redisPrefix}:${tag}:instances`, meta: `${redisPrefix}:${tag}:meta` };
};
