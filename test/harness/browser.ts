// Headless Chromium for the UI tests: Debian's `chromium` driven by puppeteer-core (no browser is downloaded),
// with a throwaway profile. `close` stops the browser by its PID and removes the profile even when the test failed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export function chromiumPath(): string {
  const found =
    process.env.CHROMIUM_PATH ?? execFileSync('sh', ['-c', 'command -v chromium || true']).toString().trim();
  if (found === '') throw new Error("the UI tests need Debian's chromium (make test-tools installs it)");
  return found;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'statewright-chromium-'));
  const root = process.getuid?.() === 0;
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    args: [...(root ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    defaultViewport: { width: 1280, height: 900 },
  });
  const pid = browser.process()?.pid;
  return {
    browser,
    close: async () => {
      try {
        await browser.close();
      } catch (error) {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
        void error;
      } finally {
        if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** axe-core's serious and critical violations of the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as { id: string; impact: string | null; help: string; nodes: unknown[] }[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
}
