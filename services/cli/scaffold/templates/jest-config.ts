// The project's Jest settings: TypeScript tests under test/, compiled by ts-jest with tsconfig.json.
export function jestConfig(): string {
  return `// Tests are TypeScript under test/, compiled by ts-jest with tsconfig.json. ts-jest warns (TS151002) about the
// Node16 module setting that lets TypeScript read statewright's subpath exports; the tests still compile to
// CommonJS, like the build, so the warning is silenced.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\\\.ts$': ['ts-jest', { diagnostics: { ignoreCodes: [151002] } }] },
};
`;
}
