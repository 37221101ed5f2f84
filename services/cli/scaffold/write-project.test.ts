// init writes only into a new or empty folder: anything else is refused with exit code 2 before a file is written.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../main';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'statewright-init-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const init = async (...args: string[]) => {
  const written = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await runCli(['node', 'statewright', 'init', ...args]);
    return { code, stdout: written.mock.calls.join(''), stderr: errors.mock.calls.join('') };
  } finally {
    written.mockRestore();
    errors.mockRestore();
  }
};

test('init writes the project into a new folder, one progress line per file', async () => {
  const folder = path.join(root, 'My Flow');
  const { code, stdout } = await init(folder);
  expect(code).toBe(0);
  expect(stdout).toContain('Creating my-flow in');
  expect(stdout).toContain('created src/workflows.ts');
  expect(readdirSync(folder).sort()).toEqual(
    [
      '.gitignore',
      'README.md',
      'jest.config.js',
      'package.json',
      'src',
      'test',
      'tsconfig.build.json',
      'tsconfig.json',
    ].sort(),
  );
});

test('init refuses a folder that is not empty, with exit code 2, and writes nothing', async () => {
  writeFileSync(path.join(root, 'notes.txt'), 'mine');
  const { code, stderr } = await init(root, '--name', 'my-flow');
  expect(code).toBe(2);
  expect(stderr).toContain('is not empty');
  expect(readdirSync(root)).toEqual(['notes.txt']);
});

test('init refuses a name npm would not take', async () => {
  const { code, stderr } = await init(path.join(root, 'flow'), '--name', 'Not A Name');
  expect(code).toBe(2);
  expect(stderr).toContain('not a valid npm package name');
});
