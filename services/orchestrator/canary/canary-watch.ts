// Rolls a failing canary back by itself: every interval, each workflow under a canary rule is judged by the core
// (`judgeCanary`) on the instances that finished lately, and a revert is written as a settings command like an
// operator's, with actor system:canary. The partition that owns the settings decides, records and audits it.
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

  private constructor(
    private readonly options: CanaryWatchOptions,
    private readonly finished: FinishedInstances,
  ) {}

  static async start(options: CanaryWatchOptions): Promise<CanaryWatch> {
    const finished = await FinishedInstances.start({
      log: options.log,
      admin: options.admin,
      codec: options.codec,
      topic: options.transitionsTopic,
      groupPrefix: options.groupPrefix,
      windowMs: options.policy.windowMs,
      now: Date.now(),
      logger: options.logger,
    });
    const watch = new CanaryWatch(options, finished);
    watch.interval = setInterval(() => {
      watch.ticking = watch.ticking.then(async () => void (await watch.tick(Date.now())));
    }, options.intervalMs);
    return watch;
  }

  /** The workflows whose canary this tick reverted. Never rejects: a failed write is tried again next tick. */
  async tick(now: number): Promise<string[]> {
    const reverted: string[] = [];
    // Judging before the window is read could compare a canary's partitions with none of the stable's.
    if (!this.finished.caughtUp) return reverted;
    const { policy, settings, logger } = this.options;
    this.finished.forgetBefore(now - policy.windowMs);
    for (const workflow of this.options.workflows()) {
      const record = settings.record(workflow);
      if (record === undefined) continue;
      const verdict = judgeCanary(record, record.at, this.finished.of(workflow), now, policy);
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

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.ticking;
    await this.finished.stop();
  }
}
