// The generated project: its files, what its package.json pins and runs, that its code imports statewright only
// through the public subpaths, and that it type-checks against statewright's own sources under those names.
import path from 'node:path';
import ts from 'typescript';
import { statewrightPackage } from '../package-root';
import { projectFiles, type ProjectFile } from './project-files';
import { isPackageName, packageNameOf, versionsOf } from './project-options';

const pkg = statewrightPackage();
const files = projectFiles({ name: 'my-flow', versions: versionsOf(pkg) });
const file = (name: string): string => files.find((candidate) => candidate.path === name)!.content;

test('a project holds configuration, the workflow, its handlers and its tests', () => {
  expect(files.map((generated) => generated.path)).toEqual([
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'jest.config.js',
    '.gitignore',
    'README.md',
    'src/workflows.ts',
    'src/handlers.ts',
    'test/onboarding.test.ts',
  ]);
});

test("package.json depends on this statewright and on statewright's zod, and runs the stack and the servers", () => {
  const json = JSON.parse(file('package.json')) as {
    name: string;
    type: string;
    dependencies: Record<string, string>;
    scripts: Record<string, string>;
  };
  expect(json.name).toBe('my-flow');
  expect(json.type).toBe('commonjs');
  expect(json.dependencies).toEqual({ statewright: `^${pkg.version}`, zod: pkg.dependencies.zod });
  expect(json.scripts).toMatchObject({
    build: 'tsc -p tsconfig.build.json',
    test: 'jest',
    up: 'statewright up',
    down: 'statewright down',
    start: 'statewright dev --workflows dist/workflows.js --handlers dist/handlers.js',
    dev: 'npm run build && npm start',
  });
});

test("the project's fast-check is the one the testing kit was built with", () => {
  expect(
    versionsOf({ ...pkg, dependencies: {}, devDependencies: { 'fast-check': '4.10.2' } }).fastCheck,
  ).toBe('4.10.2');
  expect(versionsOf({ ...pkg, dependencies: { 'fast-check': '4.11.0' } }).fastCheck).toBe('4.11.0');
});

test('the sources import statewright only through its public subpaths', () => {
  const specifiers = (source: string) => [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
  expect(specifiers(file('src/workflows.ts'))).toEqual(['statewright/core', 'zod']);
  expect(specifiers(file('src/handlers.ts'))).toEqual(['statewright/worker', 'zod']);
  expect(specifiers(file('test/onboarding.test.ts'))).toEqual([
    'fast-check',
    'statewright/testing',
    '../src/handlers',
    '../src/workflows',
  ]);
});

test('project names come from the folder, or are checked when given', () => {
  expect(packageNameOf('My Flow!')).toBe('my-flow');
  expect(packageNameOf('___')).toBe('statewright-project');
  expect(isPackageName('@team/onboarding')).toBe(true);
  expect(isPackageName('Not A Name')).toBe(false);
});

const testingKit = path.join(pkg.root, 'services', 'testing', 'index.ts');

test('the sources type-check against statewright under its public names', () => {
  expect(typeErrors(files.filter((generated) => generated.path.startsWith('src/')))).toEqual([]);
}, 60_000);

test('the tests type-check against statewright/testing', () => {
  expect(typeErrors(files.filter((generated) => generated.path.endsWith('.ts')))).toEqual([]);
}, 60_000);

/**
 * Compiles `sources` as if they lay in a project folder inside this repository (so zod and the type packages
 * resolve from its node_modules), with the project's compiler options and `statewright/*` mapped to services/.
 */
function typeErrors(sources: readonly ProjectFile[]): string[] {
  const project = path.join(pkg.root, '.scaffold-check');
  const { config } = ts.parseConfigFileTextToJson('tsconfig.json', file('tsconfig.json')) as {
    config: { compilerOptions: object };
  };
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, project);
  options.paths = {
    'statewright/core': [path.join(pkg.root, 'services', 'core', 'index.ts')],
    'statewright/worker': [path.join(pkg.root, 'services', 'worker', 'index.ts')],
    'statewright/testing': [testingKit],
  };
  const virtual = new Map(sources.map((source) => [path.join(project, source.path), source.content]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const folders = new Set([...virtual.keys()].map((name) => path.dirname(name)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) => folders.has(name) || (directoryExists?.(name) ?? false);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}
