// The keys of the instances this orchestrator's partitions own. Keys partition i holds the keys of commands
// partition i's instances (same key, same partition count), and only its owner writes there, so after reading it
// to its end at assignment the owner knows every key: it never creates a second key for an instance.
import type { KeyLookup, KeysEntry } from '../../platform/crypto';

export class OwnedKeys implements KeyLookup {
  private readonly entries = new Map<string, KeysEntry>();
  private readonly byPartition = new Map<number, Set<string>>();

  lookup(correlationId: string): KeysEntry | undefined {
    return this.entries.get(correlationId);
  }

  set(partition: number, correlationId: string, entry: KeysEntry): void {
    this.entries.set(correlationId, entry);
    const owned = this.byPartition.get(partition) ?? new Set<string>();
    this.byPartition.set(partition, owned.add(correlationId));
  }

  /** Revocation: the partition's keys are someone else's now. */
  release(partition: number): void {
    for (const correlationId of this.byPartition.get(partition) ?? []) this.entries.delete(correlationId);
    this.byPartition.delete(partition);
  }
}
