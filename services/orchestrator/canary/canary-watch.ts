// Rolls a failing canary back by itself: every interval, each workflow under a canary rule is judged by the core
// (`judgeCanary`) on the instances that finished lately, and a revert is written as a settings command like an
// operator's, with actor system:canary. The partition that owns the settings decides, records and audits it.
// The evidence is read only while some canary rule is in force: the first tick that finds one starts reading the
// window back from the log, and the tick that finds none left stops it and lets go of what it held.
import { canaryRevert, judgeCanary, type CanaryPolicy } from '../../core';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { CommandLog } from '../../platform/kafka/command-log';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { Logger } from '../../platform/logging/logger';
import type { SettingsView } from '../../platform/settings/settings-view';
import { FinishedInstances } from './finished-instances';

export interface CanaryWatchOptions {
  readonly log: LogClient;
  readonly admin: LogAdmin;
  readonly codec: EnvelopeCodec;
  readonly transitionsTopic: string;
  readonly groupPrefix: string;
  readonly settings: Pick<SettingsView, 'record'>;
  /** The workflows this orchestrator serves. */
  readonly workflows: () => readonly string[];
  readonly publisher: CommandLog;
  readonly policy: CanaryPolicy;
  /** How often the canaries are judged. */
  readonly intervalMs: number;
  readonly logger: Logger;
}

export class CanaryWatch {
  /** `workflow@revision` reverts this process has written; a repeat would only be a duplicate. */
  private readonly written = new Set<string>();
  private interval: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  /** The evidence, while some canary rule is in force. */
  private finished: FinishedInstances | undefined;

  private constructor(private readonly options: CanaryWatchOptions) {}

  static start(options: CanaryWatchOptions): CanaryWatch {
    const watch = new CanaryWatch(options);
    watch.interval = setInterval(() => {
      watch.ticking = watch.ticking.then(async () => void (await watch.tick(Date.now())));
    }, options.intervalMs);
    return watch;
  }

  /** Whether the evidence is being read: some canary rule was in force at the last tick. */
  get reading(): boolean {
    return this.finished !== undefined;
  }

  /** The workflows whose canary this tick reverted. Never rejects: a failed write is tried again next tick. */
  async tick(now: number): Promise<string[]> {
    const { policy, settings, logger } = this.options;
    const canaries = this.options.workflows().flatMap((workflow) => {
      const record = settings.record(workflow);
      return record?.rollout?.kind === 'canary' ? [{ workflow, record }] : [];
    });
    if (canaries.length === 0) {
      await this.stopReading();
      return [];
    }
    const finished = this.finished ?? (await this.startReading(now));
    // Judging before the window is read could compare a canary's partitions with none of the stable's.
    if (finished === undefined || !finished.caughtUp) return [];
    finished.forgetBefore(now - policy.windowMs);
    const reverted: string[] = [];
    for (const { workflow, record } of canaries) {
      const verdict = judgeCanary(record, record.at, finished.of(workflow), now, policy);
      if (verdict.kind !== 'revert') continue;
      const key = `${workflow}@${record.revision}`;
      if (this.written.has(key)) continue;
      try {
        await this.options.publisher.publish(canaryRevert(workflow, record, verdict, now));
        this.written.add(key);
        reverted.push(workflow);
        const { canary, stable, reason } = verdict;
        logger.warn({ workflow, revision: record.revision, canary, stable, reason }, 'canary reverted');
      } catch (error) {
        logger.error({ err: error, workflow }, 'writing a canary revert failed');
      }
    }
    return reverted;
  }

  /** Starts reading the evidence window; undefined (tried again next tick) when the log cannot be read now. */
  private async startReading(now: number): Promise<FinishedInstances | undefined> {
    const { options } = this;
    try {
      this.finished = await FinishedInstances.start({
        log: options.log,
        admin: options.admin,
        codec: options.codec,
        topic: options.transitionsTopic,
        groupPrefix: options.groupPrefix,
        windowMs: options.policy.windowMs,
        now,
        logger: options.logger,
      });
      options.logger.info({ windowMs: options.policy.windowMs }, 'canary evidence: reading the window');
      return this.finished;
    } catch (error) {
      options.logger.error({ err: error }, 'canary evidence: reading the window failed');
      return undefined;
    }
  }

  private async stopReading(): Promise<void> {
    const finished = this.finished;
    if (finished === undefined) return;
    this.finished = undefined;
    await finished.stop();
    this.options.logger.info('canary evidence: no canary rule left, reading stopped');
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.ticking;
    await this.stopReading();
  }
}
