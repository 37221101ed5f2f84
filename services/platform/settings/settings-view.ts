// The run-time settings of every workflow (version rules, dedupe windows): the settings topic's table, plus
// what an orchestrator's own processors committed a moment ago and the table has not read yet (the higher
// revision wins). The orchestrator decides with it and the gateway follows it, so both choose versions alike.
import { DEPLOYED, withSettings, type Registry, type WorkflowSettings } from '../../core';
import { decodeSettingsMessage, type SettingsRecord } from '../codec/settings-record';
import type { LogClient } from '../kafka/log-client';
import { TopicTable } from '../kafka/topic-table';
import type { Logger } from '../logging/logger';

export class SettingsView {
  private readonly written = new Map<string, SettingsRecord>();

  private constructor(private readonly table: TopicTable<SettingsRecord>) {}

  static async start(
    log: LogClient,
    topic: string,
    groupPrefix: string,
    logger: Logger,
  ): Promise<SettingsView> {
    const table = await TopicTable.start<SettingsRecord>({
      log,
      topic,
      logger,
      what: 'settings',
      groupIdPrefix: `${groupPrefix}.settings`,
      decode: decodeSettingsMessage,
    });
    await table.ready();
    return new SettingsView(table);
  }

  /** The latest record of `workflow`, if its settings were ever changed. */
  record(workflow: string): SettingsRecord | undefined {
    const read = this.table.lookup(workflow);
    const own = this.written.get(workflow);
    if (own === undefined) return read;
    return read !== undefined && read.revision >= own.revision ? read : own;
  }

  current(workflow: string): WorkflowSettings {
    return this.record(workflow) ?? DEPLOYED;
  }

  /** After a commit: records this orchestrator wrote apply at once. */
  committed(records: Iterable<SettingsRecord>): void {
    for (const record of records) this.written.set(record.workflow, record);
  }

  /** `base` as the current settings make it. */
  registry(base: Registry): Registry {
    return withSettings(base, (workflow) => this.record(workflow));
  }

  stop(): Promise<void> {
    return this.table.stop();
  }
}
