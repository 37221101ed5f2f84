// statewright as a team installs it: `npm pack` (which builds), the tarball installed into a fresh project outside
// the repository, then an ES module consumer and a CommonJS consumer that import every subpath with types —
// checked by tsc and run by Node, so every name the build exports resolves at run time in both module systems.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consumerSource, run, writeConsumer, type Subpaths } from './consumer';

const repoRoot = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  readonly exports: Record<string, string | { readonly types: string; readonly default: string }>;
  readonly devDependencies: Record<string, string>;
};
const npm = 'npm';
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

let workdir = '';
let installed = '';
let files: string[] = [];

/** The code subpaths of the exports map, as a consumer names them (`statewright`, `statewright/core`, ...). */
const codeEntries = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
  typeof target === 'string' ? [] : [{ name: path.posix.join('statewright', subpath), target }],
);

/** A subpath whose sources are not on this branch yet (the testing kit) is checked once they are. */
const present = codeEntries.filter(({ target }) =>
  fs.existsSync(path.join(repoRoot, target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))),
);

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'statewright-packaging-'));
  run(npm, ['pack', '--pack-destination', workdir, '--loglevel', 'error'], repoRoot);
  const tarball = fs.readdirSync(workdir).find((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${workdir}`);
  files = run('tar', ['-tzf', path.join(workdir, tarball)], workdir)
    .split('\n')
    .filter(Boolean)
    .map((file) => file.replace(/^package\//, ''));
  installed = path.join(workdir, 'install');
  fs.mkdirSync(installed);
  fs.writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: 'install', private: true }));
  run(
    npm,
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel',
      'error',
      path.join(workdir, tarball),
      `@types/node@${manifest.devDependencies['@types/node']}`,
    ],
    installed,
  );
}, 300_000);

afterAll(() => {
  if (workdir !== '') fs.rmSync(workdir, { recursive: true, force: true });
});

describe('the tarball', () => {
  test('holds every entry of the exports map that has sources, with its declarations', () => {
    for (const { target } of present) {
      expect(files).toContain(target.default.replace(/^\.\//, ''));
      expect(files).toContain(target.types.replace(/^\.\//, ''));
    }
  });

  test('holds the bin, the schemas, the local stack script and the operator UI, and no tests, benchmarks or examples', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/apps/statewright.js',
        'schemas/command.avsc',
        'deploy/local/stack.sh',
        'LICENSE',
        'dist/ui/index.html',
        'dist/ui/app.js',
        'dist/ui/app.css',
      ]),
    );
    expect(files.filter((file) => /\.test\.|^dist\/(test|bench|examples)\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  test('its source maps carry their sources, which the tarball does not hold', () => {
    const maps = files.filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(0);
    const root = path.join(installed, 'node_modules', 'statewright');
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(fs.readFileSync(path.join(root, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect({
        map,
        embedded: sourcesContent?.filter((content) => typeof content === 'string').length,
      }).toEqual({
        map,
        embedded: sources.length,
      });
    }
  });
});

describe('a consumer project', () => {
  /** Every value each subpath exports, as the installed package's CommonJS modules define them. */
  let subpaths: Subpaths = {};

  beforeAll(() => {
    const names = present.map(({ name }) => name);
    const script = `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, Object.keys(require(n))]))))`;
    subpaths = JSON.parse(run(process.execPath, ['-e', script], installed)) as Subpaths;
  });

  test('each present subpath exports values', () => {
    expect(Object.keys(subpaths).sort()).toEqual(present.map(({ name }) => name).sort());
    for (const names of Object.values(subpaths)) expect(names.length).toBeGreaterThan(0);
  });

  test.each(['module', 'commonjs'] as const)(
    'in %s mode type-checks every subpath and resolves every named export at run time',
    (type) => {
      const dir = path.join(workdir, type);
      writeConsumer(dir, type, path.join(installed, 'node_modules'), consumerSource(subpaths));
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
      const compiled = fs.readFileSync(path.join(dir, 'out', 'consumer.js'), 'utf8');
      expect(compiled.includes('require("statewright')).toBe(type === 'commonjs');
      const resolved = JSON.parse(run(process.execPath, [path.join('out', 'consumer.js')], dir)) as Record<
        string,
        number
      >;
      expect(resolved).toEqual(
        Object.fromEntries(Object.entries(subpaths).map(([name, names]) => [name, names.length])),
      );
    },
    120_000,
  );
});
