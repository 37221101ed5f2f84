// The project's TypeScript settings. Node16 resolution reads statewright's subpath exports (statewright/core, ...);
// without "type": "module" it compiles to CommonJS, which is what `--workflows` and `--handlers` load.
const compilerOptions = {
  target: 'es2022',
  lib: ['es2023'],
  module: 'node16',
  moduleResolution: 'node16',
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
  types: ['node', 'jest'],
  noEmit: true,
};

/** Sources and tests, type-checked together (`npm run typecheck`; the tests through ts-jest too). */
export function tsconfigJson(): string {
  return `${JSON.stringify({ compilerOptions, include: ['src', 'test'] }, null, 2)}\n`;
}

/** The build: src/ only, to dist/ (dist/workflows.js, dist/handlers.js). */
export function tsconfigBuildJson(): string {
  const build = {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'dist', types: ['node'], sourceMap: true },
    include: ['src'],
  };
  return `${JSON.stringify(build, null, 2)}\n`;
}
