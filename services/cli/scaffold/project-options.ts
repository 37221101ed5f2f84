// What a generated project is made from: its npm name and the versions it pins. The versions come from the
// statewright package that generates it, so the project's zod and test tools are the ones statewright was built with
// (one copy of zod in node_modules: schemas pass between the project and statewright unchanged).
import type { StatewrightPackage } from '../package-root';

export interface Versions {
  readonly statewright: string;
  readonly zod: string;
  readonly typescript: string;
  readonly jest: string;
  readonly tsJest: string;
  readonly typesJest: string;
  readonly typesNode: string;
  /** fast-check: the generators the project's property checks hand to the testing kit, the kit's own version. */
  readonly fastCheck: string;
}

export interface ProjectOptions {
  readonly name: string;
  readonly versions: Versions;
}

/** Used when statewright's package.json names no version of a tool (an install without devDependencies). */
const FALLBACK = {
  zod: '^4.0.0',
  typescript: '^5.9.0',
  jest: '^30.0.0',
  tsJest: '^29.4.0',
  typesJest: '^30.0.0',
  typesNode: '^24.0.0',
  fastCheck: '^4.0.0',
} as const;

export function versionsOf(pkg: StatewrightPackage): Versions {
  const dev = pkg.devDependencies;
  return {
    statewright: `^${pkg.version}`,
    zod: pkg.dependencies.zod ?? FALLBACK.zod,
    typescript: dev.typescript ?? FALLBACK.typescript,
    jest: dev.jest ?? FALLBACK.jest,
    tsJest: dev['ts-jest'] ?? FALLBACK.tsJest,
    typesJest: dev['@types/jest'] ?? FALLBACK.typesJest,
    typesNode: dev['@types/node'] ?? FALLBACK.typesNode,
    fastCheck: pkg.dependencies['fast-check'] ?? dev['fast-check'] ?? FALLBACK.fastCheck,
  };
}

/** npm's rules for a package name, lower case, at most 214 characters, optionally scoped. */
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function isPackageName(name: string): boolean {
  return name.length <= 214 && NPM_NAME.test(name);
}

/** A package name made from a folder name: lower case, runs of other characters as one dash. */
export function packageNameOf(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/g, '-')
    .replace(/^[-._]+|-+$/g, '');
  return name === '' ? 'statewright-project' : name;
}
