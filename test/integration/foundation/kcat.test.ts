// An outside client agrees: Debian's kcat lists the broker the tests use.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { endpoints } from '../../harness/namespace';

const run = promisify(execFile);

test('kcat -L lists the broker', async () => {
  const { kafkaBrokers } = endpoints();
  const { stdout } = await run('kcat', ['-b', kafkaBrokers, '-L', '-m', '10']);
  expect(stdout).toMatch(/1 brokers:/);
  expect(stdout).toContain(`at ${kafkaBrokers}`);
});
