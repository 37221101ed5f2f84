// Jest global teardown: remove what the run's suites left on the stack, then stop whatever the global setup
// started, and nothing else.
import type { Infrastructure } from './infrastructure';
import { runPrefix } from './namespace';
import { removeRunData } from './run-cleanup';

export default async function globalTeardown(): Promise<void> {
  const infrastructure = (globalThis as { __statewrightInfrastructure?: Infrastructure })
    .__statewrightInfrastructure;
  if (infrastructure === undefined) return;
  try {
    // Without a run id the prefix would be every run's: nothing is removed then.
    if (process.env.STATEWRIGHT_TEST_RUN) {
      const problems = await removeRunData(infrastructure, runPrefix());
      for (const problem of problems)
        process.stderr.write(`cleanup of ${runPrefix()} incomplete: ${problem}\n`);
    }
  } finally {
    await infrastructure.stop();
  }
}
