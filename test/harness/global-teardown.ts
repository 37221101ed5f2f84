// Jest global teardown: stop whatever the global setup started, and nothing else.
import type { Infrastructure } from './infrastructure';

export default async function globalTeardown(): Promise<void> {
  const infrastructure = (globalThis as { __statewrightInfrastructure?: Infrastructure })
    .__statewrightInfrastructure;
  await infrastructure?.stop();
}
