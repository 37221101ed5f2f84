// The consumer projects the packaging test installs the tarball into: one ES module project and one CommonJS
// project, each importing every value each subpath exports by name (so Node's ESM loader must see every name a
// CommonJS module of the build exports) and some types of each, checked by tsc before they run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type Subpaths = Readonly<Record<string, readonly string[]>>;

/** Types a consumer names from each subpath: tsc fails when a declaration is missing or resolves to nothing. */
const TYPES: Readonly<Record<string, readonly string[]>> = {
  statewright: ['OrchestratorStart', 'RunningOrchestrator', 'WorkersStart', 'GatewayServe', 'ServedGateway'],
  'statewright/core': ['Definition', 'Command', 'Instance', 'Step', 'JsonValue'],
  'statewright/worker': ['HandlerMap', 'TaskContext', 'WorkerOptions'],
  'statewright/client': ['CommandClient', 'CommandClientOptions', 'StartOptions', 'Published'],
};

const alias = (subpath: string, name: string) => `${subpath.replace(/\W/g, '_')}$${name}`;

/** The consumer's source: named imports of every value, some types, and one misuse tsc must refuse. */
export function consumerSource(subpaths: Subpaths): string {
  const lines: string[] = [];
  for (const [subpath, names] of Object.entries(subpaths)) {
    const values = names.map((name) => `${name} as ${alias(subpath, name)}`);
    lines.push(`import { ${values.join(', ')} } from '${subpath}';`);
    const types = TYPES[subpath] ?? [];
    if (types.length > 0) lines.push(`import type { ${types.join(', ')} } from '${subpath}';`);
  }
  const typeUses = Object.keys(subpaths)
    .flatMap((subpath) => TYPES[subpath] ?? [])
    .map((type) => `  ${type}: undefined as unknown as ${type} | undefined,`);
  const valueUses = Object.entries(subpaths).map(
    ([subpath, names]) =>
      `  '${subpath}': [${names.map((name) => alias(subpath, name)).join(', ')}].filter((v) => v !== undefined).length,`,
  );
  return [
    ...lines,
    '',
    'export const typed = {',
    ...typeUses,
    '};',
    '',
    '// The declarations are real types, not `any`: a client without an actor does not compile.',
    '// @ts-expect-error -- `actor` is required',
    'export const noActor: import("statewright/client").CommandClientOptions = { brokers: ["127.0.0.1:9092"] };',
    '',
    'const resolved = {',
    ...valueUses,
    '};',
    'console.log(JSON.stringify(resolved));',
    '',
  ].join('\n');
}

const tsconfig = (module: 'nodenext') => ({
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module,
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
    rootDir: '.',
  },
  include: ['consumer.ts'],
});

/**
 * Writes `dir` as a project of `type` that depends on the installed package in `modules` (a node_modules it
 * links to), with the consumer source.
 */
export function writeConsumer(
  dir: string,
  type: 'module' | 'commonjs',
  modules: string,
  source: string,
): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${type}`, private: true, type }),
  );
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig('nodenext'), null, 2));
  fs.writeFileSync(path.join(dir, 'consumer.ts'), source);
  fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
}

/** Runs a command in `cwd`; its output, or an error carrying stdout and stderr. */
export function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`, {
      cause: error,
    });
  }
}
