// The project's package.json: statewright and zod to run, TypeScript and Jest to build and test, and the scripts the
// README walks through (up, dev, test, down).
import type { ProjectOptions } from '../project-options';

const WORKFLOWS = 'dist/workflows.js';
const HANDLERS = 'dist/handlers.js';

export function packageJson({ name, versions }: ProjectOptions): string {
  const json = {
    name,
    version: '0.1.0',
    private: true,
    description: 'Workflows on statewright: account onboarding',
    type: 'commonjs',
    engines: { node: '>=22.12' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json',
      test: 'jest',
      up: 'statewright up',
      down: 'statewright down',
      status: 'statewright status',
      start: `statewright dev --workflows ${WORKFLOWS} --handlers ${HANDLERS}`,
      dev: 'npm run build && npm start',
      diagram: `statewright diagram account-onboarding --workflows ${WORKFLOWS}`,
    },
    dependencies: { statewright: versions.statewright, zod: versions.zod },
    devDependencies: {
      '@types/jest': versions.typesJest,
      '@types/node': versions.typesNode,
      'fast-check': versions.fastCheck,
      jest: versions.jest,
      'ts-jest': versions.tsJest,
      typescript: versions.typescript,
    },
    // Install scripts nothing here needs (a file watcher's native build, a telemetry library's postinstall).
    allowScripts: { '@parcel/watcher': false, protobufjs: false },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
